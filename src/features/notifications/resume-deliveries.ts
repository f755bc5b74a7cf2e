// When the app is installed somewhere, deliveries parked for that place go out again.
import type { Delivery } from '../../shared/delivery.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { DeliveryTarget } from '../../delivery/delivery-job.ts';
import type { Logger } from '../../platform/logger.ts';
import { StoreConflictError } from '../../store/store.ts';
import type { ConversationRecord } from '../../shared/conversation-registry.ts';

/** A personal install reaches its user; a team install reaches every SOC channel of the tenant. */
export function reachableTargets(
  record: ConversationRecord,
  tenant: CustomerTenant | undefined,
): DeliveryTarget[] {
  if (record.kind === 'personal' && record.userId) {
    return [{ kind: 'personal', tenantId: record.tenantId, userId: record.userId }];
  }
  const ids = new Set([record.conversationId]);
  if (record.kind === 'channel') for (const c of tenant?.socChannels ?? []) ids.add(c.channelId);
  return [...ids].map((conversationId) => ({
    kind: 'conversation',
    tenantId: record.tenantId,
    conversationId,
  }));
}

export async function resumeDeliveries(
  delivery: Pick<Delivery, 'markReachable'>,
  targets: readonly DeliveryTarget[],
  logger: Logger,
): Promise<void> {
  for (const target of targets) {
    // The engine may be moving the same jobs right now: a conflict just means try again.
    for (let attempt = 1; ; attempt++) {
      try {
        const resumed = await delivery.markReachable(target);
        if (resumed > 0) logger.info({ resumed, target }, 'deliveries resumed');
        break;
      } catch (err) {
        if (!(err instanceof StoreConflictError) || attempt >= 5) {
          logger.warn({ err, target }, 'could not resume deliveries');
          break;
        }
      }
    }
  }
}
