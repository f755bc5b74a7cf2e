// botbuilder writes to the console (console.error of whole errors with their stacks, e.g. for
// every expired or forged token), outside our JSON logs (issue 14: 20 unauthenticated requests
// printed 248 lines). Code run through `withConsoleTo` has its console output sent to the logger
// instead, one JSON line per call; console calls anywhere else behave as before.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

export type ConsoleLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ConsoleSink {
  /** Level for console.error / console.warn / the rest (log, info, debug, trace). */
  levels: { error: ConsoleLevel; warn: ConsoleLevel; other: ConsoleLevel };
  logger: Record<ConsoleLevel, (details: object, message: string) => void>;
}

const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const scope = new AsyncLocalStorage<ConsoleSink>();
let installed = false;

/** Runs `fn`; what it (and what it awaits) prints with console.* goes to the sink's logger. */
export function withConsoleTo<T>(sink: ConsoleSink, fn: () => Promise<T>): Promise<T> {
  install();
  return scope.run(sink, fn);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const method of methods) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const sink = scope.getStore();
      if (!sink) {
        original(...args);
        return;
      }
      const level =
        method === 'error'
          ? sink.levels.error
          : method === 'warn'
            ? sink.levels.warn
            : sink.levels.other;
      const err = args.find((a) => a instanceof Error);
      const text = args
        .filter((a) => a !== err)
        .map((a) => (typeof a === 'string' ? a : format('%o', a)));
      const message = (text.join(' ') || (err instanceof Error ? err.message : '')).slice(0, 2000);
      sink.logger[level]({ source: 'botbuilder', ...(err ? { err } : {}) }, message);
    };
  }
}
