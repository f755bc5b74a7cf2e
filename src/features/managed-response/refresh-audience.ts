// Who gets the managed-response cards refreshed automatically (refresh.userIds, at most 60 Teams
// user ids): the tenant's users the bot knows from their 1:1 chats, Security Operators and
// incident contacts first. Teams wants the user's Teams id (MRI, "29:..."), which the stored
// conversation reference carries as user.id; references the bot made itself before the user
// ever wrote hold only the Entra id there and are left out.
import { incidentContacts, type CustomerTenant } from '../../domain/tenant.ts';
import type { ConversationRegistry } from '../../shared/conversation-registry.ts';

export const MAX_REFRESH_USERS = 60;

/** What refreshAudience reads: the tenant's personal-chat index and its records. */
export type AudienceSource = Pick<ConversationRegistry, 'personalChatUsers' | 'findPersonal'>;

interface StoredUser {
  id?: unknown;
  aadObjectId?: unknown;
}

// A click answers with the card and this list, so it must not cost what the store holds: the
// tenant's users come from the personal-chat index (`tenant:user`), operators and contacts
// first, and only the records needed for 60 user ids are read.
export async function refreshAudience(
  conversations: AudienceSource,
  tenant: CustomerTenant,
): Promise<string[]> {
  const known = await conversations.personalChatUsers(tenant.tenantId);
  const priority = new Set(
    [...tenant.roles.operators, ...incidentContacts(tenant).map((c) => c.userId)].map((id) =>
      id.toLowerCase(),
    ),
  );
  const ordered = [
    ...known.filter((user) => priority.has(user)),
    ...known.filter((user) => !priority.has(user)),
  ];
  const mris = new Set<string>();
  for (const userId of ordered) {
    if (mris.size >= MAX_REFRESH_USERS) break;
    const record = await conversations.findPersonal(tenant.tenantId, userId);
    if (!record) continue;
    const user = (record.reference.user ?? {}) as StoredUser;
    const mri = typeof user.id === 'string' ? user.id : undefined;
    const aad = (
      record.userId ?? (typeof user.aadObjectId === 'string' ? user.aadObjectId : '')
    ).toLowerCase();
    if (mri && mri.toLowerCase() !== aad) mris.add(mri);
  }
  return [...mris];
}
