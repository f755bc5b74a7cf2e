// Who may read and who may change a tenant's contacts and SOC channels from Teams: anyone of the
// tenant may look; only its configured admins may change. Answers are card data, ready to show.
import type { MessageCardData } from '../../../cards/message.ts';
import { canManageContacts, type CustomerTenant } from '../../domain/tenant.ts';

export type TenantAccess =
  { ok: true; tenant: CustomerTenant } | { ok: false; refusal: MessageCardData };

export function notOnboardedCard(): MessageCardData {
  return {
    title: 'Not available',
    text: 'Your organisation is not onboarded to the managed response service, so it has no incident contacts or SOC channels to manage.',
    style: 'attention',
    facts: [],
  };
}

export function tenantAccess(
  tenant: CustomerTenant | undefined,
  userId: string | undefined,
  need: 'read' | 'manage',
): TenantAccess {
  if (!tenant) return { ok: false, refusal: notOnboardedCard() };
  if (need === 'manage' && !(userId && canManageContacts(tenant, userId))) {
    return {
      ok: false,
      refusal: {
        title: 'Only admins can change this',
        text: `Only the admins of ${tenant.name} for the managed response service can change incident contacts and SOC channels. Ask one of them, or ask your service provider to add you to the admins in the tenant configuration. Anyone can see the lists with **contacts** and **soc list**.`,
        style: 'attention',
        facts: [],
      },
    };
  }
  return { ok: true, tenant };
}
