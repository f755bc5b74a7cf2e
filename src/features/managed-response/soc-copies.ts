// The SOC channel's copy of the managed-response cards: posted as replies under the channel's
// incident card (the notification service posts that card under socMessageKey). When the
// response is published before that card exists, the copy waits ("deferred") and is sent by
// refreshCopies, which the notification service calls after it planned the incident's card
// (same ordering key, so the reply follows the card), or after a grace period without a parent.
import type { Delivery } from '../../shared/delivery.ts';
import type { WriteOp } from '../../store/store.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { socMessageKey } from '../../shared/message-keys.ts';
import type { CardCopies, CardCopy } from './card-copies.ts';
import { sendCopyJobs } from './copy-jobs.ts';
import type { DeviceFactsSource, RenderedDevices } from './device-facts.ts';
import { refreshAudience, type AudienceSource } from './refresh-audience.ts';

export interface SocCopyDeps {
  copies: CardCopies;
  conversations: AudienceSource;
  delivery: Delivery;
  /** Device facts on the task cards, as on every other copy (absent: none shown). */
  deviceFacts?: DeviceFactsSource;
}

/** Read once per call, and only when a copy is sent. */
function devicesOnce(deps: SocCopyDeps, response: ManagedResponse) {
  let devices: Promise<RenderedDevices | undefined> | undefined;
  return async () => {
    devices ??= deps.deviceFacts
      ? deps.deviceFacts.forResponse(response)
      : Promise.resolve(undefined);
    const value = await devices;
    return value ? { devices: value } : {};
  };
}

/** Ops that create the SOC copies a tenant's channels do not have yet (sent or deferred). */
export async function socCopyOps(
  deps: SocCopyDeps,
  tenant: CustomerTenant,
  response: ManagedResponse,
  incident: Incident | undefined,
  stamp: string,
  now: string,
): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  let audience: string[] | undefined;
  const devices = devicesOnce(deps, response);
  for (const channel of tenant.socChannels) {
    const existing = await deps.copies.get(tenant.tenantId, response.incidentId, channel.channelId);
    if (existing) continue;
    const replyToMessageKey = socMessageKey(
      tenant.tenantId,
      response.incidentId,
      channel.channelId,
    );
    const parent = await deps.delivery.findDelivery(replyToMessageKey);
    const copy: CardCopy = {
      tenantId: tenant.tenantId,
      incidentId: response.incidentId,
      conversationId: channel.channelId,
      target: {
        kind: 'conversation',
        tenantId: tenant.tenantId,
        conversationId: channel.channelId,
      },
      replyToMessageKey,
      state: parent ? 'sent' : 'deferred',
      createdAt: now,
    };
    ops.push(...deps.copies.putOps(copy));
    if (parent) {
      audience ??= await refreshAudience(deps.conversations, tenant);
      ops.push(
        ...deps.delivery.enqueueOps(
          sendCopyJobs(copy, {
            tenant,
            response,
            incident,
            audience,
            stamp,
            now,
            ...(await devices()),
          }),
        ),
      );
    }
  }
  return ops;
}

/** Ops that send deferred copies: those whose parent is known now, or all of them (`force`). */
export async function deferredCopyOps(
  deps: SocCopyDeps,
  tenant: CustomerTenant,
  response: ManagedResponse,
  incident: Incident | undefined,
  copies: readonly CardCopy[],
  options: { stamp: string; now: string; parentPlanned: boolean; graceMs: number },
): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  let audience: string[] | undefined;
  const devices = devicesOnce(deps, response);
  for (const copy of copies) {
    if (copy.state !== 'deferred') continue;
    const parent = copy.replyToMessageKey
      ? await deps.delivery.findDelivery(copy.replyToMessageKey)
      : undefined;
    const waited = Date.parse(options.now) - Date.parse(copy.createdAt);
    if (!parent && !options.parentPlanned && waited < options.graceMs) continue;
    audience ??= await refreshAudience(deps.conversations, tenant);
    const sent: CardCopy = { ...copy, state: 'sent' };
    ops.push(
      ...deps.copies.putOps(sent),
      ...deps.delivery.enqueueOps(
        sendCopyJobs(sent, {
          tenant,
          response,
          incident,
          audience,
          stamp: options.stamp,
          now: options.now,
          ...(await devices()),
        }),
      ),
    );
  }
  return ops;
}
