// GET /readyz: the store answers, and how each tenant's Defender polls are going. A failing tenant
// is reported, but the bot still serves the others, so only the store decides readiness.
import type { ReadinessReport } from '../server.ts';
import type { Store } from '../store/store.ts';
import type { IncidentWatcher } from '../watcher/incident-watcher.ts';

export function readinessCheck(
  store: Pick<Store, 'ping'>,
  watcher: Pick<IncidentWatcher, 'health'>,
): () => Promise<ReadinessReport> {
  return async () => {
    const storeCheck = await store.ping().then(
      () => ({ ok: true }),
      (err: Error) => ({ ok: false, detail: err.message }),
    );
    const checks: Record<string, { ok: boolean; detail?: string }> = { store: storeCheck };
    for (const t of watcher.health()) {
      checks[`tenant:${t.name}`] = {
        ok: t.ok,
        detail: t.ok
          ? `last poll ${t.lastSuccessAt ?? 'pending'}`
          : `${t.consecutiveFailures} failed polls: ${t.lastError ?? 'unknown error'}`,
      };
    }
    return { ready: storeCheck.ok, checks };
  };
}
