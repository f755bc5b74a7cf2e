// What the operations side counts, reported by the code that sees it happen: throttling and
// retries per upstream service, our own rate limits holding calls back, how long a delivery took
// from planned to sent, and how machine actions end. src/app/metrics.ts implements it for
// GET /metrics; everything that reports takes it as an optional dependency (noTelemetry when
// absent), so tests and tools that do not look need not pass one.

/** The services we call: Defender for Endpoint, Microsoft Graph, the Bot Connector (Teams). */
export type Upstream = 'defender' | 'graph' | 'botConnector';

/** Why a call is tried again. */
export type RetryReason = 'throttled' | 'server' | 'timeout' | 'network';

/** How a machine action went: started at Defender, or its final status there. */
export type MachineActionOutcome = 'started' | 'succeeded' | 'failed' | 'timedOut' | 'cancelled';

export interface Telemetry {
  /** The upstream answered 429 Too Many Requests. */
  throttled(upstream: Upstream): void;
  /** A failed call will be tried again (now, after a wait, or as a rescheduled job). */
  retried(upstream: Upstream, reason: RetryReason): void;
  /** Our client-side rate limit made a call wait (`waitedMs` > 0) or refused it (too long). */
  rateLimited(upstream: Upstream, waitedMs: number, refused: boolean): void;
  /** A delivery job reached Teams, `latencyMs` after it was planned (created). */
  delivered(latencyMs: number): void;
  /** A one-click action's machine action, by kind (isolateDevice, quarantineFile, ...). */
  machineAction(kind: string, outcome: MachineActionOutcome): void;
}

export const noTelemetry: Telemetry = {
  throttled: () => undefined,
  retried: () => undefined,
  rateLimited: () => undefined,
  delivered: () => undefined,
  machineAction: () => undefined,
};
