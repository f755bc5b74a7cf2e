// Small builders for domain tests: valid defaults, overridden per test.
import type { Incident } from '../../src/domain/incident.ts';
import type {
  ActionActor,
  ManualAction,
  OneClickAction,
  OneClickKind,
} from '../../src/domain/response-action.ts';

export const TENANT = '6f1c2a34-1b2c-4d5e-8f90-1234567890ab';
export const alice: ActionActor = { userId: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'Alice' };
export const T0 = '2025-03-01T10:00:00.000Z';
export const T1 = '2025-03-01T10:05:00.000Z';

export function oneClick(overrides: Partial<OneClickAction> = {}): OneClickAction {
  return {
    id: 'act-1',
    kind: 'isolateDevice',
    title: 'Isolate device PROD-SRV-01',
    description: 'Isolate the server to stop lateral movement.',
    createdAt: T0,
    history: [],
    status: 'pending',
    target: { kind: 'device', deviceId: 'dev-1', deviceName: 'PROD-SRV-01' },
    isolationType: 'full',
    attempts: 0,
    ...overrides,
  };
}

export function onDevice(
  id: string,
  kind: OneClickKind,
  status: OneClickAction['status'],
  deviceId = 'dev-1',
): OneClickAction {
  return oneClick({
    id,
    kind,
    status,
    title: `${kind} ${deviceId}`,
    target: { kind: 'device', deviceId, deviceName: deviceId.toUpperCase() },
  });
}

export function manual(overrides: Partial<ManualAction> = {}): ManualAction {
  return {
    id: 'man-1',
    kind: 'manual',
    title: 'Reset the password of jdoe@contoso.com',
    description: 'Reset the password and revoke sessions.',
    createdAt: T0,
    history: [],
    status: 'pending',
    ...overrides,
  };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: '2972395',
    tenantId: TENANT,
    title: 'Multi-stage incident involving Initial access',
    severity: 'high',
    status: 'active',
    assignedTo: null,
    classification: 'unknown',
    determination: 'unknown',
    customTags: [],
    systemTags: ['Defender Experts'],
    webUrl: `https://security.microsoft.com/incidents/2972395?tid=${TENANT}`,
    createdAt: T0,
    lastUpdatedAt: T0,
    comments: [],
    ...overrides,
  };
}
