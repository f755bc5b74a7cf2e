// The one-click actions in progress on each device of a tenant, so that a click's device-conflict
// check reads one small record instead of every managed response of the tenant. It is a store
// collection written in the same atomic batch as the managed-response change that starts or ends
// an action (ResponseWriter.commit), with a compare-and-set on the device's record: two clicks on
// different incidents that target one device, on one instance or two, cannot both start, which
// the tenant-wide read never guaranteed. A derived in-memory index would be cheaper but would not
// hold across instances. The record is a hint checked against the source of truth: each entry is
// confirmed on its incident's managed response before it counts, and stale entries are dropped
// at the next write, so a drifted index can neither block a device forever nor let a conflict by.
import { assertNoConflict } from '../../domain/action-conflicts.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { OneClickAction, ResponseAction } from '../../domain/response-action.ts';
import { isOneClick } from '../../domain/response-action.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { StoreConflictError, type Store, type WriteOp } from '../../store/store.ts';

export const DEVICE_ACTIONS = 'deviceActionsInProgress';

/** The slice of a managed response the guard's conflict check reads. */
export type IncidentActions = Pick<ManagedResponse, 'incidentId' | 'actions'>;

export interface DeviceActionEntry {
  incidentId: string;
  actionId: string;
}

export interface DeviceActionsRecord {
  tenantId: string;
  deviceId: string;
  actions: DeviceActionEntry[];
}

export function deviceActionsKey(tenantId: string, deviceId: string): string {
  return `${tenantId.toLowerCase()}:${deviceId.toLowerCase()}`;
}

type Responses = Pick<ManagedResponseRepository, 'get' | 'listForTenant'>;

export class DeviceActionIndex {
  constructor(
    private readonly store: Pick<Store, 'get' | 'list' | 'batch'>,
    private readonly responses: Responses,
  ) {}

  /**
   * The actions in progress on the device `action` targets, confirmed on their managed
   * responses; `response` (the incident being changed) is used as it is, not re-read.
   */
  async inProgressBeside(
    tenantId: string,
    action: ResponseAction,
    response: IncidentActions,
  ): Promise<IncidentActions[]> {
    const device = deviceOf(action);
    if (device === undefined) return [];
    const record = await this.store.get<DeviceActionsRecord>(
      DEVICE_ACTIONS,
      deviceActionsKey(tenantId, device),
    );
    return this.#confirmed(tenantId, device, record?.value.actions ?? [], response);
  }

  /**
   * The writes that keep the index in step with a managed response going from `before` to
   * `after`. Throws ConflictingActionError when an action entering progress conflicts with one
   * already running on its device (started since the click's own check, maybe elsewhere).
   */
  async opsFor(before: ManagedResponse | undefined, after: ManagedResponse): Promise<WriteOp[]> {
    const was = running(before);
    const is = running(after);
    const entering = [...is.values()].filter((a) => !was.has(a.id));
    const leaving = [...was.values()].filter((a) => !is.has(a.id));
    const devices = new Set([...entering, ...leaving].map((a) => deviceOf(a) ?? ''));
    devices.delete('');
    const ops: WriteOp[] = [];
    for (const device of devices) {
      const key = deviceActionsKey(after.tenantId, device);
      const record = await this.store.get<DeviceActionsRecord>(DEVICE_ACTIONS, key);
      const stored = (record?.value.actions ?? []).filter((e) => e.incidentId !== after.incidentId);
      const others = await this.#confirmed(after.tenantId, device, stored, after);
      const mine = entering.filter((a) => deviceOf(a) === device);
      for (const action of mine) {
        const beside = others.map((r) =>
          r.incidentId === after.incidentId
            ? { ...r, actions: r.actions.filter((a) => a.id !== action.id) }
            : r,
        );
        assertNoConflict(action, qualified(beside));
      }
      const actions = [
        ...entriesOf(others.filter((r) => r.incidentId !== after.incidentId)),
        ...[...is.values()]
          .filter((a) => deviceOf(a) === device)
          .map((a) => ({ incidentId: after.incidentId, actionId: a.id })),
      ];
      if (actions.length > 0) {
        const value: DeviceActionsRecord = { tenantId: after.tenantId, deviceId: device, actions };
        ops.push({
          kind: 'put',
          collection: DEVICE_ACTIONS,
          key,
          value,
          expectedVersion: record?.version ?? 0,
        });
      } else if (record) {
        ops.push({
          kind: 'delete',
          collection: DEVICE_ACTIONS,
          key,
          expectedVersion: record.version,
        });
      }
    }
    return ops;
  }

  /**
   * Adds the entries missing for actions already in progress (a store written before the index
   * existed, or a write that bypassed the writer); stale entries are left to the next write.
   * Reads every managed response of the tenants: for start-up only. Returns the devices fixed.
   */
  async repair(tenants: readonly Pick<CustomerTenant, 'tenantId'>[]): Promise<number> {
    let repaired = 0;
    for (const { tenantId } of tenants) {
      const byDevice = new Map<string, DeviceActionEntry[]>();
      for (const response of await this.responses.listForTenant(tenantId)) {
        for (const action of running(response).values()) {
          const device = deviceOf(action) ?? '';
          const entry = { incidentId: response.incidentId, actionId: action.id };
          byDevice.set(device, [...(byDevice.get(device) ?? []), entry]);
        }
      }
      for (const [device, wanted] of byDevice) {
        const key = deviceActionsKey(tenantId, device);
        const record = await this.store.get<DeviceActionsRecord>(DEVICE_ACTIONS, key);
        const have = record?.value.actions ?? [];
        const missing = wanted.filter(
          (w) => !have.some((e) => e.incidentId === w.incidentId && e.actionId === w.actionId),
        );
        if (missing.length === 0) continue;
        const value: DeviceActionsRecord = {
          tenantId,
          deviceId: device,
          actions: [...have, ...missing],
        };
        const expectedVersion = record?.version ?? 0;
        try {
          await this.store.batch([
            { kind: 'put', collection: DEVICE_ACTIONS, key, value, expectedVersion },
          ]);
          repaired += 1;
        } catch (err) {
          // A writer changed it meanwhile, from a newer state than this scan's.
          if (!(err instanceof StoreConflictError)) throw err;
        }
      }
    }
    return repaired;
  }

  /** Every action in progress of the tenant, by the index (the executor's periodic resume). */
  async listForTenant(tenantId: string): Promise<DeviceActionEntry[]> {
    const records = await this.store.list<DeviceActionsRecord>(DEVICE_ACTIONS, {
      prefix: `${tenantId.toLowerCase()}:`,
    });
    return records.flatMap((r) => r.value.actions);
  }

  /** The entries still in progress on `device` per their managed response, by incident. */
  async #confirmed(
    tenantId: string,
    device: string,
    entries: readonly DeviceActionEntry[],
    current: IncidentActions,
  ): Promise<IncidentActions[]> {
    const incidents = new Set(entries.map((e) => e.incidentId));
    incidents.add(current.incidentId);
    const result: IncidentActions[] = [];
    for (const incidentId of incidents) {
      const response =
        incidentId === current.incidentId
          ? current
          : (await this.responses.get(tenantId, incidentId))?.value;
      if (!response) continue;
      const actions = [...running(response).values()].filter((a) => deviceOf(a) === device);
      if (actions.length > 0) result.push({ incidentId, actions });
    }
    return result;
  }
}

/** The response's one-click actions in progress on a device, by id. */
function running(response: IncidentActions | undefined): Map<string, OneClickAction> {
  const map = new Map<string, OneClickAction>();
  for (const action of response?.actions ?? []) {
    if (isOneClick(action) && action.status === 'inProgress' && deviceOf(action)) {
      map.set(action.id, action);
    }
  }
  return map;
}

function deviceOf(action: ResponseAction): string | undefined {
  if (!isOneClick(action) || action.target.kind === 'none') return undefined;
  return action.target.deviceId.toLowerCase();
}

function entriesOf(responses: readonly IncidentActions[]): DeviceActionEntry[] {
  return responses.flatMap((r) =>
    r.actions.map((a) => ({ incidentId: r.incidentId, actionId: a.id })),
  );
}

// Action ids are unique within an incident only.
function qualified(responses: readonly IncidentActions[]): ResponseAction[] {
  return responses.flatMap((r) => r.actions.map((a) => ({ ...a, id: `${r.incidentId}/${a.id}` })));
}
