// The Telemetry port as Prometheus metrics (served by GET /metrics with the rest of AppMetrics):
// 429s and retries per upstream, our own rate limits holding calls back, delivery latency from
// planned to sent, and machine actions by kind and outcome. Every label value is known up front,
// so each series is exported from the start at 0 (a rate() over a series that appears only with
// its first event misses that event).
import { Counter, Histogram, type Registry } from 'prom-client';
import { oneClickKinds } from '../domain/response-action.ts';
import type {
  MachineActionOutcome,
  RetryReason,
  Telemetry,
  Upstream,
} from '../platform/telemetry.ts';

const upstreams: readonly Upstream[] = ['defender', 'graph', 'botConnector'];
const reasons: readonly RetryReason[] = ['throttled', 'server', 'timeout', 'network'];
const outcomes: readonly MachineActionOutcome[] = [
  'started',
  'succeeded',
  'failed',
  'timedOut',
  'cancelled',
];

export class TelemetryMetrics implements Telemetry {
  readonly #throttled: Counter<'upstream'>;
  readonly #retries: Counter<'upstream' | 'reason'>;
  readonly #held: Counter<'upstream' | 'outcome'>;
  readonly #heldSeconds: Counter<'upstream'>;
  readonly #latency: Histogram;
  readonly #machineActions: Counter<'kind' | 'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#throttled = new Counter({
      name: 'mrb_upstream_throttled_total',
      help: 'Answers 429 Too Many Requests, by upstream (defender: Defender for Endpoint; graph: Microsoft Graph; botConnector: Teams).',
      labelNames: ['upstream'] as const,
      registers,
    });
    this.#retries = new Counter({
      name: 'mrb_upstream_retries_total',
      help: 'Failed calls tried again, by upstream and reason (throttled, server, timeout, network); Teams deliveries count each rescheduled job.',
      labelNames: ['upstream', 'reason'] as const,
      registers,
    });
    this.#held = new Counter({
      name: 'mrb_rate_limit_holds_total',
      help: "Calls our client-side rate limits held back (outcome=waited) or refused because the wait exceeded the caller's bound (outcome=refused).",
      labelNames: ['upstream', 'outcome'] as const,
      registers,
    });
    this.#heldSeconds = new Counter({
      name: 'mrb_rate_limit_wait_seconds_total',
      help: 'Seconds calls waited for our client-side rate limits, by upstream.',
      labelNames: ['upstream'] as const,
      registers,
    });
    this.#latency = new Histogram({
      name: 'mrb_delivery_latency_seconds',
      help: 'From a delivery job planned (created) to Teams accepting it.',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    this.#machineActions = new Counter({
      name: 'mrb_machine_actions_total',
      help: 'Defender machine actions of one-click response actions: started, then how they ended (succeeded, failed, timedOut, cancelled); failed also counts starts Defender refused.',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    });
    for (const upstream of upstreams) {
      this.#throttled.inc({ upstream }, 0);
      this.#heldSeconds.inc({ upstream }, 0);
      for (const reason of reasons) this.#retries.inc({ upstream, reason }, 0);
      for (const outcome of ['waited', 'refused']) this.#held.inc({ upstream, outcome }, 0);
    }
    for (const kind of oneClickKinds) {
      for (const outcome of outcomes) this.#machineActions.inc({ kind, outcome }, 0);
    }
  }

  throttled(upstream: Upstream): void {
    this.#throttled.inc({ upstream });
  }

  retried(upstream: Upstream, reason: RetryReason): void {
    this.#retries.inc({ upstream, reason });
  }

  rateLimited(upstream: Upstream, waitedMs: number, refused: boolean): void {
    this.#held.inc({ upstream, outcome: refused ? 'refused' : 'waited' });
    if (waitedMs > 0) this.#heldSeconds.inc({ upstream }, waitedMs / 1000);
  }

  delivered(latencyMs: number): void {
    this.#latency.observe(latencyMs / 1000);
  }

  machineAction(kind: string, outcome: MachineActionOutcome): void {
    this.#machineActions.inc({ kind, outcome });
  }
}
