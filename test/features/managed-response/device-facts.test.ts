import assert from 'node:assert/strict';
import { DefenderRequestError } from '../../../src/defender/errors.ts';
import type { DeviceFacts } from '../../../src/domain/device-facts.ts';
import type { ManagedResponse } from '../../../src/domain/managed-response.ts';
import { DeviceFactsCache } from '../../../src/features/managed-response/device-facts.ts';
import type { DefenderPort } from '../../../src/features/managed-response/ports.ts';
import { quiet } from './harness.ts';

function setup() {
  let nowMs = Date.parse('2026-03-02T10:00:00Z');
  const calls: string[] = [];
  const failing = new Set<string>();
  const defender = {
    forTenant: (tenantId: string) => ({
      machineActions: {},
      machines: {
        getMachine: async (id: string): Promise<DeviceFacts> => {
          calls.push(`${tenantId}/${id}`);
          if (failing.has(id))
            throw new DefenderRequestError('mde', 503, 'ServiceUnavailable', 'unavailable');
          return { id, name: `name-${id}`, tags: [] };
        },
      },
    }),
  } as unknown as DefenderPort;
  const cache = new DeviceFactsCache({ defender, now: () => new Date(nowMs), logger: quiet });
  return { cache, calls, failing, advance: (ms: number) => (nowMs += ms) };
}

function response(deviceIds: string[], status = 'pending'): ManagedResponse {
  return {
    tenantId: 't1',
    actions: deviceIds.map((id, i) => ({
      id: `a${i}`,
      kind: 'isolateDevice',
      status,
      target: { kind: 'device', deviceId: id, deviceName: id },
    })),
  } as unknown as ManagedResponse;
}

describe('DeviceFactsCache', () => {
  it('reads each device once per 60 s, per tenant and device', async () => {
    const { cache, calls, advance } = setup();
    const first = await cache.forResponse(response(['d1', 'd2', 'd1']));
    assert.deepEqual(calls, ['t1/d1', 't1/d2']);
    assert.equal(first.lookups.get('d1')?.kind, 'facts');
    advance(59_000);
    await cache.forResponse(response(['d1']));
    assert.deepEqual(calls, ['t1/d1', 't1/d2']);
    advance(2_000);
    await cache.forResponse(response(['d1']));
    assert.deepEqual(calls, ['t1/d1', 't1/d2', 't1/d1']);
  });

  it('answers unavailable on a Defender error and asks again after 10 s', async () => {
    const { cache, calls, failing, advance } = setup();
    failing.add('d1');
    const { lookups } = await cache.forResponse(response(['d1']));
    assert.deepEqual(lookups.get('d1'), { kind: 'unavailable' });
    advance(5_000);
    await cache.forResponse(response(['d1']));
    assert.equal(calls.length, 1);
    failing.delete('d1');
    advance(6_000);
    const again = await cache.forResponse(response(['d1']));
    assert.equal(again.lookups.get('d1')?.kind, 'facts');
  });

  it('shows unavailable when a read is slower than the render wait, and the facts once it is done', async () => {
    let release: (() => void) | undefined;
    const calls: string[] = [];
    const defender = {
      forTenant: () => ({
        machineActions: {},
        machines: {
          getMachine: async (id: string): Promise<DeviceFacts> => {
            calls.push(id);
            await new Promise<void>((resolve) => (release = resolve));
            return { id, name: `name-${id}`, tags: [] };
          },
        },
      }),
    } as unknown as DefenderPort;
    const cache = new DeviceFactsCache(
      { defender, now: () => new Date('2026-03-02T10:00:00Z'), logger: quiet },
      { renderWaitMs: 30 },
    );
    const started = Date.now();
    const first = await cache.forResponse(response(['d1']));
    assert.deepEqual(first.lookups.get('d1'), { kind: 'unavailable' });
    assert.ok(Date.now() - started < 1_000, 'the render did not wait for the read');
    release?.();
    const second = await cache.forResponse(response(['d1']));
    assert.equal(second.lookups.get('d1')?.kind, 'facts');
    assert.deepEqual(calls, ['d1'], 'the slow read was reused, not asked again');
  });

  it('does not read devices of finished actions', async () => {
    const { cache, calls } = setup();
    const { lookups } = await cache.forResponse(response(['d1'], 'completed'));
    assert.equal(lookups.size, 0);
    assert.deepEqual(calls, []);
  });
});
