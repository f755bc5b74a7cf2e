// GET /metrics in the Prometheus text format (prom-client), one registry per app: how long
// requests take to answer (card clicks are `/api/messages` invokes), how each tenant's Defender
// polls go (duration, lag since the last good poll, consecutive failures), how many delivery jobs
// wait and in which state, and the process's own figures. Labels stay few: routes, methods,
// status codes, activity kinds, and the customer tenants configured (tenant ids, not names).
// METRICS_TOKEN, when set, is required as a bearer token.
//
// With several instances each reports the tenants it owns (`owns`, tenant-work.ts): the poll and
// delivery figures of a tenant come from its owner alone, so a sum over instances counts each
// tenant once, and a tenant lost here has its series dropped (forgetTenant).
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Request, Response, Route, Server } from 'restify';
import type { JobRecord } from '../delivery/delivery-schemas.ts';
import { jobStatuses } from '../delivery/delivery-schemas.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantHealth } from '../watcher/incident-watcher.ts';
import { TelemetryMetrics } from './telemetry-metrics.ts';

export interface MetricsSources {
  health: () => TenantHealth[];
  listJobs: () => Promise<JobRecord[]>;
  now: Clock;
  /** Whether this instance reports the tenant (default: every tenant). */
  owns?: (tenantId: string) => boolean;
}

const ACTIVITY_KINDS = new Set(['message', 'invoke', 'conversationUpdate', 'installationUpdate']);

export class AppMetrics {
  readonly registry = new Registry();
  /** 429s, retries, rate-limit waits, delivery latency, machine actions (telemetry-metrics.ts). */
  readonly telemetry = new TelemetryMetrics(this.registry);
  readonly #requests = new Histogram({
    name: 'mrb_http_request_duration_seconds',
    help: 'Time to answer an HTTP request; card clicks are POST /api/messages with activity="invoke:adaptiveCard/action".',
    labelNames: ['route', 'method', 'status', 'activity'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly #polls = new Histogram({
    name: 'mrb_watcher_poll_duration_seconds',
    help: "One poll of a tenant's Defender XDR incidents, fetch and commit.",
    labelNames: ['tenant', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly #events = new Counter({
    name: 'mrb_watcher_events_total',
    help: 'Incident events the watcher wrote to the outbox.',
    labelNames: ['tenant'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mrb_' });
    const owns = (tenantId: string) => sources.owns?.(tenantId) ?? true;
    const health = () => sources.health().filter((t) => owns(t.tenantId));
    const listJobs = async () =>
      (await sources.listJobs()).filter((j) => owns(j.job.target.tenantId));
    new Gauge({
      name: 'mrb_watcher_poll_lag_seconds',
      help: "Seconds since the tenant's last successful poll (-1: none yet).",
      labelNames: ['tenant'] as const,
      registers: [this.registry],
      collect() {
        const now = sources.now().getTime();
        this.reset(); // a tenant owned elsewhere now has no series here
        for (const t of health()) {
          const lag = t.lastSuccessAt ? (now - Date.parse(t.lastSuccessAt)) / 1000 : -1;
          this.set({ tenant: t.tenantId }, lag);
        }
      },
    });
    new Gauge({
      name: 'mrb_watcher_consecutive_failures',
      help: 'Failed polls of the tenant in a row (0: its last poll succeeded).',
      labelNames: ['tenant'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const t of health()) this.set({ tenant: t.tenantId }, t.consecutiveFailures);
      },
    });
    new Gauge({
      name: 'mrb_delivery_jobs',
      help: 'Delivery jobs not yet delivered, by state (parked: the target cannot be reached yet).',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const jobs = await listJobs();
        for (const status of jobStatuses) {
          this.set({ status }, jobs.filter((j) => j.status === status).length);
        }
      },
    });
    new Gauge({
      name: 'mrb_delivery_oldest_job_age_seconds',
      help: 'Age of the oldest pending delivery job (0: none): the queue latency.',
      registers: [this.registry],
      async collect() {
        const pending = (await listJobs()).filter((j) => j.status === 'pending');
        // A job scheduled for later (the email fallback's wait) is waiting from its due time.
        const nowMs = sources.now().getTime();
        const since = pending
          .map((j) => Math.max(Date.parse(j.job.createdAt), Date.parse(j.job.notBefore ?? '') || 0))
          .filter((t) => t <= nowMs);
        this.set(since.length ? (nowMs - Math.min(...since)) / 1000 : 0);
      },
    });
  }

  observePoll(tenantId: string, ok: boolean, durationMs: number, events: number): void {
    this.#polls.observe({ tenant: tenantId, outcome: ok ? 'ok' : 'failed' }, durationMs / 1000);
    if (events > 0) this.#events.inc({ tenant: tenantId }, events);
  }

  /** The tenant is no longer owned here: its poll series go (its owner reports them). */
  forgetTenant(tenantId: string): void {
    for (const outcome of ['ok', 'failed']) this.#polls.remove({ tenant: tenantId, outcome });
    this.#events.remove({ tenant: tenantId });
  }

  /** Installs the request timer and GET /metrics on the server. */
  register(server: Server, token: string): void {
    server.on('after', (req: Request, res: Response, route: Route | undefined) => {
      const seconds = (Date.now() - req.time()) / 1000;
      this.#requests.observe(
        {
          route: route?.spec?.path?.toString() ?? 'unmatched',
          method: req.method ?? 'GET',
          status: String(res.statusCode),
          activity: activityKind(req),
        },
        seconds,
      );
    });
    server.get('/metrics', async (req: Request, res: Response) => {
      if (token && !bearerMatches(req.header('authorization'), token)) {
        res.send(401, { error: { code: 'Unauthorized', message: 'A bearer token is required.' } });
        return;
      }
      const text = await this.registry.metrics();
      res.setHeader('content-type', this.registry.contentType);
      res.writeHead(200);
      res.end(text);
    });
  }
}

function activityKind(req: Request): string {
  if (!req.path().startsWith('/api/messages')) return '';
  const body = req.body as { type?: unknown; name?: unknown } | undefined;
  const type =
    typeof body?.type === 'string' && ACTIVITY_KINDS.has(body.type) ? body.type : 'other';
  if (type !== 'invoke') return type;
  const name = body?.name === 'adaptiveCard/action' ? 'adaptiveCard/action' : 'other';
  return `invoke:${name}`;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
