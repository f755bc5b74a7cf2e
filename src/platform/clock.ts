// The one clock: every component reads time through a Clock it is given, so tests set the time
// instead of waiting for it. Only the composition root (and defaults) use the system clock.
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
