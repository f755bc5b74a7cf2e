// The email fallback's refusals (Mail.Send not granted, no such sending mailbox): the tenant's
// admins are told once per tenant and reason (a durable record, so not again after a restart,
// when the parked emails are tried again and refused again).
import type { Delivery } from '../../shared/delivery.ts';
import type { Logger } from '../../platform/logger.ts';
import { StoreConflictError, type Store } from '../../store/store.ts';
import { resumeDeliveries } from './resume-deliveries.ts';

export const MAIL_NOTICES = 'mailRefusalNotices';

export class MailNotices {
  constructor(private readonly store: Store) {}

  /** True the first time for this tenant and reason. */
  async first(tenantId: string, code: string): Promise<boolean> {
    const key = `${tenantId.toLowerCase()}:${code}`;
    try {
      await this.store.put(MAIL_NOTICES, key, { at: new Date().toISOString() }, 0);
      return true;
    } catch (err) {
      if (err instanceof StoreConflictError) return false;
      throw err;
    }
  }
}

/** Sends again the emails parked behind a refused mailbox (an admin may have fixed it). */
export async function resumeParkedEmail(
  delivery: Pick<Delivery, 'listJobs' | 'markReachable'>,
  logger: Logger,
): Promise<void> {
  try {
    const parked = await delivery.listJobs({ status: 'parked' });
    const targets = new Map(
      parked
        .map((j) => j.job.target)
        .filter((t) => t.kind === 'email')
        .map((t) => [`${t.tenantId.toLowerCase()}:${t.userId.toLowerCase()}`, t]),
    );
    await resumeDeliveries(delivery, [...targets.values()], logger);
  } catch (err) {
    logger.warn({ err }, 'could not resume parked emails');
  }
}
