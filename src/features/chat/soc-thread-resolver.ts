// A customer's reply in a SOC channel thread arrives in "<channel>;messageid=<root>": the root is
// the incident's SOC card, which the notification service delivered under socMessageKey. The
// delivery engine records the card's key by its activity (deliveryThreadRoots), so this is one
// read whatever the tenant holds. Cards delivered before that record existed are found by the
// older walk over the tenant's incidents, once per thread (found or not, remembered).
import { LRUCache } from 'lru-cache';
import { baseConversationId } from '../../delivery/delivery-job.ts';
import type { DeliveryRecord } from '../../delivery/delivery-job.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Delivery } from '../../shared/delivery.ts';
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

const NOT_AN_INCIDENT = '';

export function socThreadResolver(deps: {
  directory: Pick<IncidentDirectory, 'listForTenant'>;
  findDelivery: (messageKey: string) => Promise<DeliveryRecord | undefined>;
  findThreadRoot: Delivery['findThreadRoot'];
}): SocThreadIncident {
  // Per thread: the incident, or NOT_AN_INCIDENT (a thread the walk found no card for).
  const known = new LRUCache<string, string>({ max: 10_000 });
  return async (tenant, conversationId) => {
    const root = threadRootId(conversationId);
    const channelId = baseConversationId(conversationId);
    const channel = tenant.socChannels.find(
      (c) => c.channelId.toLowerCase() === channelId.toLowerCase(),
    );
    if (!root || !channel) return undefined;
    const cacheKey = `${tenant.tenantId.toLowerCase()}|${conversationId}`;
    const cached = known.get(cacheKey);
    if (cached !== undefined) return cached || undefined;
    const messageKey = await deps.findThreadRoot('soc', tenant.tenantId, conversationId, root);
    const indexed = messageKey && incidentOf(messageKey, tenant.tenantId, channel.channelId);
    const incidentId = indexed || (await walk(tenant, channel.channelId, root));
    known.set(cacheKey, incidentId ?? NOT_AN_INCIDENT);
    return incidentId;
  };

  async function walk(tenant: CustomerTenant, channelId: string, root: string) {
    for (const incident of await deps.directory.listForTenant(tenant.tenantId)) {
      const card = await deps.findDelivery(socMessageKey(tenant.tenantId, incident.id, channelId));
      if (card?.activityId === root) return incident.id;
    }
    return undefined;
  }
}

/** The incident id in a SOC card's message key, if the key is this tenant's and channel's. */
function incidentOf(messageKey: string, tenantId: string, channelId: string): string | undefined {
  // socMessageKey with no incident: "soc:<tenant>:" + "" + ":<channel>".
  const empty = socMessageKey(tenantId, '', channelId);
  const cut = empty.indexOf('::') + 1;
  const [head, tail] = [empty.slice(0, cut), empty.slice(cut)];
  if (!messageKey.startsWith(head) || !messageKey.endsWith(tail)) return undefined;
  return messageKey.slice(head.length, messageKey.length - tail.length) || undefined;
}
