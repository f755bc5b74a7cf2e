// Time for engine tests: sleeping advances the clock at once, so retry delays cost nothing.
export class FakeClock {
  ms = Date.parse('2026-03-01T08:00:00.000Z');
  readonly sleeps: number[] = [];

  now = (): Date => new Date(this.ms);

  nowMs = (): number => this.ms;

  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.ms += Math.max(0, ms);
    // A macrotask, so I/O and timers of the code under test get their turn.
    await new Promise((resolve) => setImmediate(resolve));
  };
}
