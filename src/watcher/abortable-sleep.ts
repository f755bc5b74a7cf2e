// A timer that ends early when the watcher stops, so stop() never waits out a poll interval.

export type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const abortableSleep: AbortableSleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
