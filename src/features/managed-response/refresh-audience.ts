// Who gets the managed-response cards refreshed automatically (refresh.userIds, at most 60 Teams
// user ids): the tenant's users the bot knows from their 1:1 chats, Security Operators and
// incident contacts first. Teams wants the user's Teams id (MRI, "29:..."), which the stored
// conversation reference carries as user.id; references the bot made itself before the user
// ever wrote hold only the Entra id there and are left out.
import { incidentContacts, type CustomerTenant } from '../../domain/tenant.ts';
import type { ConversationRegistry } from '../../shared/conversation-registry.ts';

export const MAX_REFRESH_USERS = 60;

interface StoredUser {
  id?: unknown;
  aadObjectId?: unknown;
}

export async function refreshAudience(
  conversations: Pick<ConversationRegistry, 'list'>,
  tenant: CustomerTenant,
): Promise<string[]> {
  const records = await conversations.list({ tenantId: tenant.tenantId, kind: 'personal' });
  const priority = new Set(
    [...tenant.roles.operators, ...incidentContacts(tenant).map((c) => c.userId)].map((id) =>
      id.toLowerCase(),
    ),
  );
  const users = records.flatMap((record) => {
    const user = (record.reference.user ?? {}) as StoredUser;
    const mri = typeof user.id === 'string' ? user.id : undefined;
    const aad = (
      record.userId ?? (typeof user.aadObjectId === 'string' ? user.aadObjectId : '')
    ).toLowerCase();
    if (!mri || mri.toLowerCase() === aad) return [];
    return [{ mri, first: priority.has(aad) }];
  });
  users.sort((a, b) => Number(b.first) - Number(a.first));
  return [...new Set(users.map((u) => u.mri))].slice(0, MAX_REFRESH_USERS);
}
