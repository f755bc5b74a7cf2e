// Which devices are still contained, from the response actions that completed: an isolation holds
// until a later release from isolation completes on the same device, an app restriction until a
// later removal of it. Containment done in the Defender portal itself is not in this history.
import type { ActionKind } from '../response-action.ts';
import type { ReportAction } from './report-history.ts';

export type Containment = 'isolated' | 'restricted';

export interface ContainedDevice {
  deviceId: string;
  deviceName: string;
  /** Both when the device is isolated and its app execution restricted. */
  containments: Containment[];
  /** When the oldest containment still in force began. */
  since: string;
  /** The incident of the action that contained it most recently. */
  incidentId: string;
}

const effects: Partial<Record<ActionKind, { containment: Containment; on: boolean }>> = {
  isolateDevice: { containment: 'isolated', on: true },
  releaseFromIsolation: { containment: 'isolated', on: false },
  restrictAppExecution: { containment: 'restricted', on: true },
  removeAppRestriction: { containment: 'restricted', on: false },
};

interface Step {
  atMs: number;
  at: string;
  deviceId: string;
  deviceName: string;
  incidentId: string;
  containment: Containment;
  on: boolean;
}

interface DeviceState {
  deviceId: string;
  deviceName: string;
  incidentId: string;
  /** Containments in force, each with the step that began it. */
  on: Map<Containment, Step>;
}

/** Devices contained at `nowMs`, longest contained first. */
export function containedDevices(
  actions: readonly ReportAction[],
  nowMs: number,
): ContainedDevice[] {
  const steps: Step[] = [];
  for (const action of actions) {
    const effect = effects[action.kind];
    if (!effect || !action.device) continue;
    // The latest completion counts (a retried action completes once; history is oldest first).
    const completed = action.history.filter((h) => h.to === 'completed').at(-1);
    const atMs = completed ? Date.parse(completed.at) : NaN;
    if (!completed || !(atMs <= nowMs)) continue;
    steps.push({
      ...effect,
      ...action.device,
      atMs,
      at: completed.at,
      incidentId: action.incidentId,
    });
  }
  steps.sort((a, b) => a.atMs - b.atMs);

  const devices = new Map<string, DeviceState>();
  for (const step of steps) {
    const key = step.deviceId.toLowerCase();
    const device = devices.get(key) ?? { ...step, on: new Map<Containment, Step>() };
    if (step.deviceName) device.deviceName = step.deviceName;
    if (step.on) {
      if (!device.on.has(step.containment)) device.on.set(step.containment, step);
      device.incidentId = step.incidentId;
    } else {
      device.on.delete(step.containment);
    }
    devices.set(key, device);
  }

  const result: (ContainedDevice & { sinceMs: number })[] = [];
  for (const device of devices.values()) {
    const began = [...device.on.values()].sort((a, b) => a.atMs - b.atMs)[0];
    if (!began) continue;
    result.push({
      deviceId: device.deviceId,
      deviceName: device.deviceName,
      containments: (['isolated', 'restricted'] as const).filter((c) => device.on.has(c)),
      since: began.at,
      sinceMs: began.atMs,
      incidentId: device.incidentId,
    });
  }
  return result
    .sort((a, b) => a.sinceMs - b.sinceMs)
    .map(({ sinceMs: _sinceMs, ...device }) => device);
}
