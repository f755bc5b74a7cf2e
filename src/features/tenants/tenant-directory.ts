// The customer tenants as the service runs them: the tenant configuration plus the changes their
// admins made from Teams (contacts, SOC channels). Reads are synchronous from memory, because
// notification planning asks for a tenant on every event; changes go to the store first, with
// compare-and-set and an audit record in the same batch, and only then to memory.
import type { Clock } from '../../platform/clock.ts';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError, InvalidInputError, NotPermittedError } from '../../domain/errors.ts';
import {
  canManageContacts,
  type ContactRef,
  type CustomerTenant,
  type SocChannel,
} from '../../domain/tenant.ts';
import type { Logger } from '../../platform/logger.ts';
import { StoreConflictError, type Store } from '../../store/store.ts';
import {
  auditOp,
  readTenantAudit,
  type TenantActor,
  type TenantAuditRecord,
  type TenantPlaces,
} from './tenant-audit.ts';
import {
  TENANT_OVERRIDES,
  applyOverride,
  channelId,
  channelOf,
  contactId,
  tagId,
  emptyOverride,
  overrideKey,
  tenantOverrideSchema,
  withAdded,
  withRemoved,
  type ContactList,
  type TenantOverride,
} from './tenant-overrides.ts';

export interface TenantDirectoryOptions {
  store: Store;
  /** The tenants from the tenant configuration (file or environment). */
  configured: readonly CustomerTenant[];
  now: Clock;
  logger?: Logger;
  /** Unique suffix of audit keys (tests pin it). */
  newId?: () => string;
}

export interface DirectoryChange {
  /** False when the tenant already was as asked (nothing written, nothing audited). */
  changed: boolean;
  /** The tenant after the call. */
  tenant: CustomerTenant;
  audit?: TenantAuditRecord;
}

type Planned = Pick<TenantAuditRecord, 'action' | 'subject' | 'subjectName' | 'detail'> & {
  override: TenantOverride;
};

const MAX_ATTEMPTS = 5;
const objectId = z.guid();

export class TenantDirectory {
  readonly #options: TenantDirectoryOptions;
  readonly #configured: CustomerTenant[];
  #effective = new Map<string, CustomerTenant>();

  private constructor(options: TenantDirectoryOptions) {
    this.#options = options;
    this.#configured = [...options.configured];
    for (const t of this.#configured) this.#effective.set(overrideKey(t.tenantId), t);
  }

  /** A directory with the stored changes loaded. */
  static async open(options: TenantDirectoryOptions): Promise<TenantDirectory> {
    const directory = new TenantDirectory(options);
    await directory.refresh();
    return directory;
  }

  list(): readonly CustomerTenant[] {
    return this.#configured.map((t) => this.#effective.get(overrideKey(t.tenantId)) ?? t);
  }

  get(tenantId: string): CustomerTenant | undefined {
    return this.#effective.get(overrideKey(tenantId));
  }

  /** Re-reads every stored change (another instance may have made some). */
  async refresh(): Promise<void> {
    const records = await this.#options.store.list<unknown>(TENANT_OVERRIDES);
    const next = new Map<string, CustomerTenant>();
    for (const t of this.#configured) next.set(overrideKey(t.tenantId), t);
    for (const record of records) {
      const configured = next.get(record.key);
      const override = this.#parse(record.key, record.value);
      if (configured && override) next.set(record.key, applyOverride(configured, override));
    }
    this.#effective = next;
  }

  /** Makes the user a primary (or secondary) contact; moves them if they are in the other list. */
  async addContact(
    tenantId: string,
    contact: ContactRef,
    options: { secondary?: boolean },
    actor: TenantActor,
  ): Promise<DirectoryChange> {
    if (!objectId.safeParse(contact.userId.trim()).success) {
      throw new InvalidInputError(
        `"${contact.userId}" is not an Entra object id (a GUID such as 4b8f0c1e-6a2d-4e3f-8b9c-0d1e2f3a4b5c).`,
      );
    }
    const list: ContactList = options.secondary ? 'secondary' : 'primary';
    const other: ContactList = options.secondary ? 'primary' : 'secondary';
    const id = contactId(contact);
    return this.#change(tenantId, actor, (configured, current, override) => {
      const inList = current.contacts[list].find((c) => contactId(c) === id);
      const inOther = current.contacts[other].find((c) => contactId(c) === id);
      if (inList && !inOther) return undefined;
      const name = contact.name?.trim() || inList?.name || inOther?.name;
      const entry: ContactRef = { userId: contact.userId.trim(), ...(name ? { name } : {}) };
      const next = { ...override };
      next[list] = withAdded(configured.contacts[list], override[list], entry, contactId);
      if (inOther)
        next[other] = withRemoved(configured.contacts[other], override[other], id, contactId);
      return {
        override: next,
        action: inOther ? 'contactMoved' : 'contactAdded',
        subject: entry.userId,
        subjectName: name,
        detail: inOther ? `${other} → ${list}` : list,
      };
    });
  }

  /** Takes the user out of the contact lists (only `options.list` when given). */
  async removeContact(
    tenantId: string,
    userId: string,
    actor: TenantActor,
    options: { list?: ContactList } = {},
  ): Promise<DirectoryChange> {
    const id = userId.trim().toLowerCase();
    const lists: ContactList[] = options.list ? [options.list] : ['primary', 'secondary'];
    return this.#change(tenantId, actor, (configured, current, override) => {
      const from = lists.filter((l) => current.contacts[l].some((c) => contactId(c) === id));
      if (from.length === 0) return undefined;
      const next = { ...override };
      for (const l of from) {
        next[l] = withRemoved(configured.contacts[l], override[l], id, contactId);
      }
      const name = from
        .flatMap((l) => current.contacts[l])
        .find((c) => contactId(c) === id && c.name)?.name;
      return {
        override: next,
        action: 'contactRemoved',
        subject: userId.trim(),
        subjectName: name,
        detail: from.join(', '),
      };
    });
  }

  async addSocChannel(
    tenantId: string,
    channel: SocChannel,
    actor: TenantActor,
  ): Promise<DirectoryChange> {
    const entry: SocChannel = { ...channel, channelId: channelOf(channel.channelId) };
    if (!entry.channelId) throw new InvalidInputError('A SOC channel needs a channel id.');
    return this.#change(tenantId, actor, (configured, current, override) => {
      if (current.socChannels.some((c) => channelId(c) === entry.channelId)) return undefined;
      return {
        override: {
          ...override,
          socChannels: withAdded(configured.socChannels, override.socChannels, entry, channelId),
        },
        action: 'socChannelAdded',
        subject: entry.channelId,
        subjectName: entry.name,
      };
    });
  }

  async removeSocChannel(
    tenantId: string,
    id: string,
    actor: TenantActor,
  ): Promise<DirectoryChange> {
    const wanted = channelOf(id);
    return this.#change(tenantId, actor, (configured, current, override) => {
      const existing = current.socChannels.find((c) => channelId(c) === wanted);
      if (!existing) return undefined;
      return {
        override: {
          ...override,
          socChannels: withRemoved(configured.socChannels, override.socChannels, wanted, channelId),
        },
        action: 'socChannelRemoved',
        subject: wanted,
        subjectName: existing.name,
      };
    });
  }

  /** Marks devices with this machine tag high-value (typed confirmation before containing). */
  async addHighValueTag(
    tenantId: string,
    tag: string,
    actor: TenantActor,
  ): Promise<DirectoryChange> {
    const entry = tag.trim();
    if (entry === '' || entry.length > 200) {
      throw new InvalidInputError('A machine tag is 1 to 200 characters, e.g. HighValue.');
    }
    return this.#change(tenantId, actor, (configured, current, override) => {
      if ((current.highValueTags ?? []).some((t) => tagId(t) === tagId(entry))) return undefined;
      const configuredTags = configured.highValueTags ?? [];
      return {
        override: {
          ...override,
          highValueTags: withAdded(configuredTags, override.highValueTags, entry, tagId),
        },
        action: 'highValueTagAdded',
        subject: entry,
      };
    });
  }

  async removeHighValueTag(
    tenantId: string,
    tag: string,
    actor: TenantActor,
  ): Promise<DirectoryChange> {
    const id = tagId(tag);
    return this.#change(tenantId, actor, (configured, current, override) => {
      const existing = (current.highValueTags ?? []).find((t) => tagId(t) === id);
      if (existing === undefined) return undefined;
      const configuredTags = configured.highValueTags ?? [];
      return {
        override: {
          ...override,
          highValueTags: withRemoved(configuredTags, override.highValueTags, id, tagId),
        },
        action: 'highValueTagRemoved',
        subject: existing,
      };
    });
  }

  /** The tenant's audit trail, oldest first. */
  async auditTrail(
    tenantId: string,
    options: { limit?: number } = {},
  ): Promise<TenantAuditRecord[]> {
    return readTenantAudit(this.#options.store, tenantId, options);
  }

  async #change(
    tenantId: string,
    actor: TenantActor,
    plan: (
      configured: CustomerTenant,
      current: CustomerTenant,
      override: TenantOverride,
    ) => Planned | undefined,
  ): Promise<DirectoryChange> {
    const key = overrideKey(tenantId);
    const configured = this.#configured.find((t) => overrideKey(t.tenantId) === key);
    if (!configured) {
      throw new DomainError(
        'NOT_FOUND',
        'This organisation is not onboarded to the managed response service.',
      );
    }
    if (!actor.userId || !canManageContacts(configured, actor.userId)) {
      throw new NotPermittedError(
        `Only the admins of ${configured.name} for the managed response service can change incident contacts, SOC channels and high-value tags. Ask one of them, or ask your service provider to add you to the admins in the tenant configuration.`,
      );
    }
    const { store } = this.#options;
    for (let attempt = 1; ; attempt++) {
      const at = this.#options.now().toISOString();
      const record = await store.get<unknown>(TENANT_OVERRIDES, key);
      const stored = record && this.#parse(key, record.value);
      const override = stored ?? emptyOverride(configured.tenantId, at);
      const before = applyOverride(configured, override);
      const planned = plan(configured, before, override);
      if (!planned) {
        this.#effective.set(key, before);
        return { changed: false, tenant: before };
      }
      const { override: nextOverride, ...what } = planned;
      const next: TenantOverride = { ...nextOverride, updatedAt: at };
      const after = applyOverride(configured, next);
      const audit: TenantAuditRecord = {
        tenantId: configured.tenantId,
        at,
        actor: { userId: actor.userId, ...(actor.name ? { name: actor.name } : {}) },
        ...withoutUndefined(what),
        before: places(before),
        after: places(after),
      };
      try {
        await store.batch([
          {
            kind: 'put',
            collection: TENANT_OVERRIDES,
            key,
            value: next,
            expectedVersion: record?.version ?? 0,
          },
          auditOp(audit, (this.#options.newId ?? randomUUID)()),
        ]);
      } catch (err) {
        // Another admin (or instance) changed the tenant meanwhile: plan again on their result.
        if (err instanceof StoreConflictError && attempt < MAX_ATTEMPTS) continue;
        throw err;
      }
      this.#effective.set(key, after);
      return { changed: true, tenant: after, audit };
    }
  }

  #parse(key: string, value: unknown): TenantOverride | undefined {
    const parsed = tenantOverrideSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.#options.logger?.warn(
      { collection: TENANT_OVERRIDES, key, reason: parsed.error.message },
      'stored tenant changes are unreadable; using the tenant configuration for this tenant',
    );
    return undefined;
  }
}

function places(tenant: CustomerTenant): TenantPlaces {
  return {
    contacts: { primary: [...tenant.contacts.primary], secondary: [...tenant.contacts.secondary] },
    socChannels: [...tenant.socChannels],
    ...(tenant.highValueTags ? { highValueTags: [...tenant.highValueTags] } : {}),
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
