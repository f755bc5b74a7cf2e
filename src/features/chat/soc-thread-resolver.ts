// A customer's reply in a SOC channel thread arrives in "<channel>;messageid=<root>": the root is
// the incident's SOC card, which the notification service delivered under socMessageKey. This
// finds the incident whose card is that root (remembered once found).
import { baseConversationId } from '../../delivery/delivery-job.ts';
import type { DeliveryRecord } from '../../delivery/delivery-job.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import { socMessageKey } from '../../shared/message-keys.ts';

export type SocThreadIncident = (
  tenant: CustomerTenant,
  conversationId: string,
) => Promise<string | undefined>;

export function threadRootId(conversationId: string): string | undefined {
  const at = conversationId.indexOf(';messageid=');
  return at === -1 ? undefined : conversationId.slice(at + ';messageid='.length) || undefined;
}

export function socThreadResolver(deps: {
  directory: Pick<IncidentDirectory, 'listForTenant'>;
  findDelivery: (messageKey: string) => Promise<DeliveryRecord | undefined>;
}): SocThreadIncident {
  const found = new Map<string, string>();
  return async (tenant, conversationId) => {
    const root = threadRootId(conversationId);
    const channelId = baseConversationId(conversationId);
    const channel = tenant.socChannels.find(
      (c) => c.channelId.toLowerCase() === channelId.toLowerCase(),
    );
    if (!root || !channel) return undefined;
    const cacheKey = `${tenant.tenantId.toLowerCase()}|${conversationId}`;
    const cached = found.get(cacheKey);
    if (cached) return cached;
    for (const incident of await deps.directory.listForTenant(tenant.tenantId)) {
      const card = await deps.findDelivery(
        socMessageKey(tenant.tenantId, incident.id, channel.channelId),
      );
      if (card?.activityId === root) {
        found.set(cacheKey, incident.id);
        return incident.id;
      }
    }
    return undefined;
  };
}
