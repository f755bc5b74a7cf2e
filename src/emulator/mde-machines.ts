// Defender for Endpoint machines: `GET /api/machines` ("List machines API", get-machines: $filter
// on computerDnsName, id, version, deviceValue, aadDeviceId, machineTags, lastSeen, exposureLevel,
// onboardingStatus, lastIpAddress, healthStatus, osPlatform, riskScore and rbacGroupId; $top up
// to 10,000; $skip) and `GET /api/machines/{id}` ("Get machine by ID API"), both needing
// Machine.Read.All or Machine.ReadWrite.All. The entity has the properties of "Machine resource
// type" (machine.md) plus the undocumented-but-returned ones the samples show (isAadJoined,
// osVersion), each present, null when unknown.
import { grantsOf, requireAnyRole, ROLES } from './app-roles.ts';
import type { DeviceRecord, EmulatorState } from './emulator-state.ts';
import { callerOf, HttpError, type Route, type RouteContext } from './http-kit.ts';
import type { MachineActionBook } from './machine-actions.ts';
import { mdePage, type SortKeys } from './mde-query.ts';
import type { FilterFields } from './odata-filter.ts';

const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

const machineFilterFields: FilterFields<DeviceRecord> = {
  id: { kind: 'string', get: (d) => d.id },
  computerDnsName: { kind: 'string', get: (d) => d.computerDnsName },
  version: { kind: 'string', get: (d) => str(d.version) },
  deviceValue: { kind: 'string', get: (d) => str(d.deviceValue ?? 'Normal') },
  aadDeviceId: { kind: 'string', get: (d) => str(d.aadDeviceId) },
  machineTags: { kind: 'collection', get: (d) => d.machineTags },
  lastSeen: { kind: 'datetime', get: (d) => str(d.lastSeen) },
  exposureLevel: { kind: 'string', get: (d) => str(d.exposureLevel) },
  onboardingStatus: { kind: 'string', get: (d) => d.onboardingStatus },
  lastIpAddress: { kind: 'string', get: (d) => str(d.lastIpAddress) },
  healthStatus: { kind: 'string', get: (d) => d.healthStatus },
  osPlatform: { kind: 'string', get: (d) => d.osPlatform },
  riskScore: { kind: 'string', get: (d) => str(d.riskScore) },
  rbacGroupId: { kind: 'string', get: (d) => str(d.rbacGroupId) },
};

const machineSortKeys: SortKeys<DeviceRecord> = {
  computerDnsName: (d) => d.computerDnsName.toLowerCase(),
  lastSeen: (d) => Date.parse(str(d.lastSeen) ?? '') || 0,
  firstSeen: (d) => Date.parse(str(d.firstSeen) ?? '') || 0,
};

/** The device a `{id}` route names, in the caller's tenant; 404 ResourceNotFound otherwise. */
export function requireDevice(state: EmulatorState, ctx: RouteContext): DeviceRecord {
  const id = ctx.params.id ?? '';
  const device = state.getDevice(callerOf(ctx).tenantId, id);
  if (!device) throw new HttpError(404, 'ResourceNotFound', `Machine ${id} was not found.`);
  return device;
}

export function mdeMachineRoutes(deps: {
  state: EmulatorState;
  actions: MachineActionBook;
  mdeBaseUrl: () => string;
}): Route[] {
  const { state, actions, mdeBaseUrl } = deps;
  const context = (suffix: string) => `${mdeBaseUrl()}/api/$metadata#${suffix}`;

  const present = (tenantId: string, device: DeviceRecord) => {
    const s = actions.deviceState(tenantId, device.id);
    return {
      firstSeen: null,
      lastSeen: null,
      osVersion: null,
      osProcessor: 'x64',
      version: null,
      lastIpAddress: null,
      lastExternalIpAddress: null,
      agentVersion: null,
      osBuild: null,
      deviceValue: 'Normal',
      rbacGroupId: 0,
      rbacGroupName: null,
      riskScore: 'None',
      exposureLevel: 'None',
      isAadJoined: false,
      aadDeviceId: null,
      defenderAvStatus: null,
      osArchitecture: '64-bit',
      managedBy: 'MicrosoftDefenderForEndpoint',
      managedByStatus: 'Success',
      ipAddresses: [],
      ...device,
      machineTags: [...device.machineTags],
      // Not part of MDE's Machine resource (MDE shows isolation only in its portal): the
      // emulator's own view of what the actions did, for tests and demos. Clients must not read it.
      emulator: {
        isolationType: s.isolationType,
        isolated: s.isolationType !== null,
        codeExecutionRestricted: s.codeExecutionRestricted,
        quarantinedSha1s: s.quarantinedSha1s,
      },
    };
  };

  const getMachine: Route = {
    method: 'GET',
    pattern: '/mde/api/machines/{id}',
    area: 'mde',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.machinesRead, 'mde');
      return {
        status: 200,
        body: {
          '@odata.context': context('Machines/$entity'),
          ...present(callerOf(ctx).tenantId, requireDevice(state, ctx)),
        },
      };
    },
  };

  const listMachines: Route = {
    method: 'GET',
    pattern: '/mde/api/machines',
    area: 'mde',
    handle: (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.machinesRead, 'mde');
      const tenantId = callerOf(ctx).tenantId;
      const all = state.listDevices(tenantId);
      // get-machines: "If there are no recent machines, you see 404 Not Found."
      if (all.length === 0) {
        throw new HttpError(404, 'ResourceNotFound', 'No machines were found.');
      }
      const devices = mdePage(ctx, all, machineFilterFields, machineSortKeys);
      return {
        status: 200,
        body: {
          '@odata.context': context('Machines'),
          value: devices.map((d) => present(tenantId, d)),
        },
      };
    },
  };

  return [getMachine, listMachines];
}
