// Runtime changes to a tenant's contacts and SOC channels, kept as differences from the tenant
// configuration rather than as a copy of it: an entry added or removed in Teams stays so across
// restarts, and an operator's later edit of the configuration still shows for everything the
// admins did not touch.
import { z } from 'zod';
import { normalizeTag } from '../../domain/high-value-devices.ts';
import type { ContactRef, CustomerTenant, SocChannel } from '../../domain/tenant.ts';

export const TENANT_OVERRIDES = 'tenantOverrides';

export interface ListDelta<T> {
  /** Entries not in the configuration (or whose configured entry was removed and re-added). */
  added: T[];
  /** Ids of configured entries taken out. Disjoint from `added`. */
  removed: string[];
}

export interface TenantOverride {
  tenantId: string;
  primary: ListDelta<ContactRef>;
  secondary: ListDelta<ContactRef>;
  socChannels: ListDelta<SocChannel>;
  /** High-value machine tags (ids: the tag in lower case). */
  highValueTags: ListDelta<string>;
  updatedAt: string;
}

export type ContactList = 'primary' | 'secondary';

const contactSchema = z.object({ userId: z.string().min(1), name: z.string().optional() });
const channelSchema = z.object({
  teamId: z.string().min(1).optional(),
  channelId: z.string().min(1),
  name: z.string().optional(),
});
const deltaOf = <T extends z.ZodType>(item: T) =>
  z.object({ added: z.array(item).default([]), removed: z.array(z.string()).default([]) });

export const tenantOverrideSchema = z.object({
  tenantId: z.string().min(1),
  primary: deltaOf(contactSchema).default({ added: [], removed: [] }),
  secondary: deltaOf(contactSchema).default({ added: [], removed: [] }),
  socChannels: deltaOf(channelSchema).default({ added: [], removed: [] }),
  highValueTags: deltaOf(z.string().min(1)).default({ added: [], removed: [] }),
  updatedAt: z.string(),
});

export function overrideKey(tenantId: string): string {
  return tenantId.toLowerCase();
}

export function emptyOverride(tenantId: string, at: string): TenantOverride {
  const none = () => ({ added: [], removed: [] });
  return {
    tenantId,
    primary: none(),
    secondary: none(),
    socChannels: none(),
    highValueTags: none(),
    updatedAt: at,
  };
}

/** Entra object ids are GUIDs in any case; channel ids are compared as Teams sends them. */
export const contactId = (c: ContactRef): string => c.userId.toLowerCase();
export const channelId = (c: SocChannel): string => channelOf(c.channelId);
/** Machine tags are matched ignoring case and surrounding spaces. */
export const tagId = (tag: string): string => normalizeTag(tag);

/** A channel thread "<channel>;messageid=<root>" names its channel. */
export function channelOf(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return (at === -1 ? conversationId : conversationId.slice(0, at)).trim();
}

function merge<T>(configured: readonly T[], delta: ListDelta<T>, idOf: (t: T) => string): T[] {
  const removed = new Set(delta.removed);
  const kept = configured.filter((item) => !removed.has(idOf(item)));
  const keptIds = new Set(kept.map(idOf));
  return [...kept, ...delta.added.filter((item) => !keptIds.has(idOf(item)))];
}

/** The configured tenant with the admins' changes applied. */
export function applyOverride(
  configured: CustomerTenant,
  override: TenantOverride | undefined,
): CustomerTenant {
  if (!override) return configured;
  return {
    ...configured,
    contacts: {
      primary: merge(configured.contacts.primary, override.primary, contactId),
      secondary: merge(configured.contacts.secondary, override.secondary, contactId),
    },
    socChannels: merge(configured.socChannels, override.socChannels, channelId),
    ...highValueTagsOf(configured, override),
  };
}

function highValueTagsOf(configured: CustomerTenant, override: TenantOverride) {
  const delta = override.highValueTags;
  if (!configured.highValueTags && delta.added.length === 0 && delta.removed.length === 0) {
    return {};
  }
  return { highValueTags: merge(configured.highValueTags ?? [], delta, tagId) };
}

/** The delta after `item` is put in the list (replacing an entry with the same id). */
export function withAdded<T>(
  configured: readonly T[],
  delta: ListDelta<T>,
  item: T,
  idOf: (t: T) => string,
): ListDelta<T> {
  const id = idOf(item);
  const inConfig = configured.some((c) => idOf(c) === id);
  return {
    removed: delta.removed.filter((r) => r !== id),
    added: [...delta.added.filter((a) => idOf(a) !== id), ...(inConfig ? [] : [item])],
  };
}

/** The delta after the entry with `id` is taken out of the list. */
export function withRemoved<T>(
  configured: readonly T[],
  delta: ListDelta<T>,
  id: string,
  idOf: (t: T) => string,
): ListDelta<T> {
  const inConfig = configured.some((c) => idOf(c) === id);
  return {
    added: delta.added.filter((a) => idOf(a) !== id),
    removed: inConfig && !delta.removed.includes(id) ? [...delta.removed, id] : delta.removed,
  };
}
