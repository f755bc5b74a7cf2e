import assert from 'node:assert/strict';
import {
  containmentOf,
  deviceWarnings,
  isStale,
  supportsAction,
  type DeviceFacts,
} from '../../src/domain/device-facts.ts';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

function device(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    id: 'd1',
    name: 'prod-server-01',
    osPlatform: 'WindowsServer2022',
    osVersion: '21H2',
    osBuild: 20348,
    lastSeen: new Date(NOW - 5 * 60_000).toISOString(),
    onboardingStatus: 'Onboarded',
    tags: [],
    ...overrides,
  };
}

describe('device facts', () => {
  it('has no warning for a recent, onboarded, supported device', () => {
    assert.deepEqual(deviceWarnings(device(), 'isolateDevice', 'selective', NOW), []);
    assert.deepEqual(deviceWarnings(device(), 'restrictAppExecution', undefined, NOW), []);
  });

  it('is stale after more than 7 days, not at 7 days', () => {
    assert.equal(isStale(device({ lastSeen: new Date(NOW - 7 * DAY).toISOString() }), NOW), false);
    assert.equal(
      isStale(device({ lastSeen: new Date(NOW - 7 * DAY - 1).toISOString() }), NOW),
      true,
    );
    assert.equal(isStale(device({ lastSeen: undefined }), NOW), false);
    const warnings = deviceWarnings(
      device({ lastSeen: new Date(NOW - 12 * DAY).toISOString() }),
      'isolateDevice',
      undefined,
      NOW,
    );
    assert.deepEqual(warnings, [
      'prod-server-01 has not been seen for more than 7 days: the action waits until it comes back online.',
    ]);
  });

  it('warns about a device that is not onboarded', () => {
    const [warning] = deviceWarnings(
      device({ onboardingStatus: 'CanBeOnboarded' }),
      'isolateDevice',
      undefined,
      NOW,
    );
    assert.match(warning ?? '', /not onboarded to Defender for Endpoint \(CanBeOnboarded\)/);
  });

  it('knows which OS runs selective isolation and app restriction', () => {
    const win1607 = device({ osPlatform: 'Windows10', osVersion: '1607', osBuild: 14393 });
    const linux = device({ osPlatform: 'Linux', osVersion: 'Ubuntu 22.04', osBuild: 0 });
    const server2016 = device({ osPlatform: 'WindowsServer2016', osBuild: 14393 });
    const server2019 = device({ osPlatform: 'WindowsServer2019', osBuild: 17763 });
    assert.equal(supportsAction(win1607, 'restrictAppExecution', undefined), false);
    assert.equal(supportsAction(win1607, 'isolateDevice', 'selective'), false);
    assert.equal(supportsAction(win1607, 'isolateDevice', 'full'), true);
    assert.equal(supportsAction(linux, 'isolateDevice', 'selective'), false);
    assert.equal(supportsAction(linux, 'isolateDevice', undefined), true);
    assert.equal(supportsAction(server2016, 'restrictAppExecution', undefined), false);
    assert.equal(supportsAction(server2019, 'restrictAppExecution', undefined), true);
    assert.equal(
      supportsAction(device({ osBuild: undefined }), 'removeAppRestriction', undefined),
      undefined,
    );
    assert.deepEqual(deviceWarnings(win1607, 'restrictAppExecution', undefined, NOW), [
      'Windows10 1607 does not support app restriction: Defender will refuse it.',
    ]);
  });
});

describe('containmentOf', () => {
  const at = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

  it('is isolated when the latest completed isolation action is an Isolate', () => {
    const containment = containmentOf([
      { kind: 'releaseFromIsolation', status: 'completed', requestedBy: 'a@x', updatedAt: at(60) },
      {
        kind: 'isolateDevice',
        status: 'completed',
        requestedBy: 'Automated investigation',
        updatedAt: at(10),
        isolationType: 'full',
      },
      { kind: 'releaseFromIsolation', status: 'failed', updatedAt: at(1) },
    ]);
    assert.deepEqual(containment, {
      isolated: { by: 'Automated investigation', since: at(10), isolationType: 'full' },
    });
  });

  it('is not isolated once released, and tracks app restriction apart', () => {
    const containment = containmentOf([
      { kind: 'isolateDevice', status: 'completed', updatedAt: at(60) },
      { kind: 'releaseFromIsolation', status: 'completed', updatedAt: at(30) },
      { kind: 'restrictAppExecution', status: 'completed', requestedBy: 'b@x', createdAt: at(20) },
      { kind: 'isolateDevice', status: 'inProgress', updatedAt: at(5) },
    ]);
    assert.deepEqual(containment, { restricted: { by: 'b@x', since: at(20) } });
  });
});
