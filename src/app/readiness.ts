// GET /readyz: the store answers, how each tenant's Defender polls are going, and which tenants
// this instance owns (their watcher and delivery run here; the others' on another instance). A
// failing tenant is reported, but the bot still serves the others, so only the store decides
// readiness: any instance serves any activity or click, owning tenants or not.
import type { Ownership } from '../cluster/ownership.ts';
import type { ReadinessReport } from '../server.ts';
import type { Store } from '../store/store.ts';
import type { IncidentWatcher } from '../watcher/incident-watcher.ts';

export function readinessCheck(
  store: Pick<Store, 'ping'>,
  watcher: Pick<IncidentWatcher, 'health'>,
  ownership?: Pick<Ownership, 'instanceId' | 'owns'>,
  /** Which store, e.g. `tables mrbstore`. */
  storeKind?: string,
): () => Promise<ReadinessReport> {
  return async () => {
    const storeCheck = await store.ping().then(
      () => ({ ok: true, ...(storeKind ? { detail: storeKind } : {}) }),
      (err: Error) => ({ ok: false, detail: err.message }),
    );
    const checks: Record<string, { ok: boolean; detail?: string }> = { store: storeCheck };
    const owned: { tenantId: string; name: string }[] = [];
    for (const t of watcher.health()) {
      const here = ownership?.owns(t.tenantId) ?? true;
      if (here) owned.push({ tenantId: t.tenantId, name: t.name });
      checks[`tenant:${t.name}`] = !here
        ? { ok: true, detail: 'owned by another instance' }
        : {
            ok: t.ok,
            detail: t.ok
              ? `last poll ${t.lastSuccessAt ?? 'pending'}`
              : `${t.consecutiveFailures} failed polls: ${t.lastError ?? 'unknown error'}`,
          };
    }
    return {
      ready: storeCheck.ok,
      checks,
      ...(ownership ? { instance: { id: ownership.instanceId, owned } } : {}),
    };
  };
}
