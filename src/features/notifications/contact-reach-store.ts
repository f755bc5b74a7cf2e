// Records who was notified of which incident and how (src/domain/contact-reach.ts), from what the
// delivery engine reports: a contact card delivered (after a proactive install or not), parked
// (and why), an email sent or refused. One record per tenant, incident and contact.
import type { ContactReach } from '../../domain/contact-reach.ts';
import { sleep as platformSleep, type Sleep } from '../../platform/sleep.ts';
import { StoreConflictError, type Store } from '../../store/store.ts';

export const CONTACT_REACH = 'contactReach';

const key = (tenantId: string, incidentId: string, userId: string) =>
  `${tenantId.toLowerCase()}:${incidentId}:${userId.toLowerCase()}`;

export class ContactReachStore {
  constructor(
    private readonly store: Store,
    private readonly sleep: Sleep = platformSleep,
  ) {}

  async list(tenantId: string, incidentId: string): Promise<ContactReach[]> {
    const records = await this.store.list<ContactReach>(CONTACT_REACH, {
      prefix: `${tenantId.toLowerCase()}:${incidentId}:`,
    });
    return records.map((r) => r.value);
  }

  async get(
    tenantId: string,
    incidentId: string,
    userId: string,
  ): Promise<ContactReach | undefined> {
    return (await this.store.get<ContactReach>(CONTACT_REACH, key(tenantId, incidentId, userId)))
      ?.value;
  }

  /** Applies `change` with compare-and-set (two deliveries for one contact may race). */
  async update(
    ids: { tenantId: string; incidentId: string; userId: string },
    change: (current: ContactReach) => ContactReach,
  ): Promise<ContactReach> {
    const k = key(ids.tenantId, ids.incidentId, ids.userId);
    for (let attempt = 1; ; attempt += 1) {
      const existing = await this.store.get<ContactReach>(CONTACT_REACH, k);
      const next = change(existing?.value ?? { ...ids });
      try {
        await this.store.put(CONTACT_REACH, k, next, existing?.version ?? 0);
        return next;
      } catch (err) {
        if (!(err instanceof StoreConflictError) || attempt >= 10) throw err;
        // The other write may not be readable yet (the journal store commits before it shows).
        await this.sleep(10 * attempt);
      }
    }
  }
}
