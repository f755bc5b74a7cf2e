// GET /readyz's report: the store decides readiness; the tenants this instance owns are listed
// with the instance id, and a tenant owned elsewhere is not reported as failing here.
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { registerOwnershipMetrics } from '../../src/app/ownership-metrics.ts';
import { readinessCheck } from '../../src/app/readiness.ts';
import type { TenantHealth } from '../../src/watcher/incident-watcher.ts';
import { FakeOwnership } from '../cluster/fake-ownership.ts';

const health: TenantHealth[] = [
  { tenantId: 't-a', name: 'Contoso', ok: true, consecutiveFailures: 0, lastSuccessAt: 'then' },
  { tenantId: 't-b', name: 'Fabrikam', ok: false, consecutiveFailures: 3, lastError: 'stale' },
];
const watcher = { health: () => health };
const up = { ping: () => Promise.resolve() };

describe('readiness and ownership metrics', () => {
  it('lists the owned tenants and the instance; a tenant owned elsewhere is not failing here', async () => {
    const ownership = new FakeOwnership('bot-1');
    await ownership.gain('t-a');
    const report = await readinessCheck(up, watcher, ownership, 'tables mrbstore')();
    assert.equal(report.ready, true);
    assert.deepEqual(report.checks.store, { ok: true, detail: 'tables mrbstore' });
    assert.deepEqual(report.instance, {
      id: 'bot-1',
      owned: [{ tenantId: 't-a', name: 'Contoso' }],
    });
    assert.deepEqual(report.checks['tenant:Contoso'], { ok: true, detail: 'last poll then' });
    assert.deepEqual(report.checks['tenant:Fabrikam'], {
      ok: true,
      detail: 'owned by another instance',
    });
    await ownership.gain('t-b');
    const later = await readinessCheck(up, watcher, ownership)();
    assert.equal(later.checks['tenant:Fabrikam']?.ok, false);
    assert.equal(later.instance?.owned.length, 2);
  });

  it('is not ready when the store does not answer, whatever is owned', async () => {
    const down = { ping: () => Promise.reject(new Error('table unreachable')) };
    const report = await readinessCheck(down, watcher, new FakeOwnership())();
    assert.equal(report.ready, false);
    assert.deepEqual(report.checks.store, { ok: false, detail: 'table unreachable' });
  });

  it('exposes lease ownership per tenant and the owned count as gauges', async () => {
    const ownership = new FakeOwnership('bot-2');
    const registry = new Registry();
    registerOwnershipMetrics(registry, ownership, ['t-a', 't-b'], (t) => ownership.owns(t));
    await ownership.gain('t-b');
    const text = await registry.metrics();
    assert.match(text, /mrb_cluster_tenant_owned\{tenant="t-a",instance="bot-2"\} 0/);
    assert.match(text, /mrb_cluster_tenant_owned\{tenant="t-b",instance="bot-2"\} 1/);
    assert.match(text, /mrb_cluster_owned_tenants\{instance="bot-2"\} 1/);
    await ownership.lose('t-b');
    assert.match(await registry.metrics(), /mrb_cluster_owned_tenants\{instance="bot-2"\} 0/);
  });
});
