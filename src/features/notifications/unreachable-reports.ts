// Telling a tenant's admins and SOC channels that a contact cannot be reached. Until the bot is
// installed anywhere in the tenant there is nobody to tell (and, right after a first start, the
// contact may be about to open Teams): the report waits, and on the first install it goes out for
// the targets that are still unreachable then, never for the one that was just installed.
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { deliveryTargetKey, type DeliveryTarget } from '../../delivery/delivery-job.ts';
import type { Logger } from '../../platform/logger.ts';
import { StoreConflictError, type Store } from '../../store/store.ts';
import type {
  ConversationRecord,
  ConversationRegistry,
} from '../../shared/conversation-registry.ts';
import { unreachableNoticeJobs } from './unreachable-notice.ts';
import type { InstallRefusal } from '../../../cards/message-unreachable.ts';

export const REPORTS = 'unreachableReports';

type Reason = { code?: string; status: number; install?: InstallRefusal };

interface PendingReport {
  target: DeliveryTarget;
  reason: Reason;
}

export class UnreachableReports {
  constructor(
    private readonly deps: {
      store: Store;
      conversations: ConversationRegistry;
      delivery: Pick<Delivery, 'enqueue'>;
      tenantOf: (tenantId: string) => CustomerTenant | undefined;
      now: Clock;
      logger: Logger;
    },
  ) {}

  /** The delivery engine's onUnreachable hook. */
  async report(target: DeliveryTarget, reason: Reason): Promise<void> {
    const tenant = this.deps.tenantOf(target.tenantId);
    if (!tenant) return;
    // A few reads of the tenant's indexes, not every conversation (once per unreachable contact).
    if (!(await this.deps.conversations.hasConversation(tenant.tenantId))) {
      await this.deps.store.put<PendingReport>(REPORTS, deliveryTargetKey(target), {
        target,
        reason: {
          code: reason.code,
          status: reason.status,
          ...(reason.install ? { install: reason.install } : {}),
        },
      });
      this.deps.logger.info({ target }, 'unreachable target reported once the app is installed');
      return;
    }
    await this.deps.delivery.enqueue(
      unreachableNoticeJobs(tenant, target, reason, this.deps.now().toISOString()),
    );
  }

  /** Called when the app is installed somewhere: sends the reports still true. */
  async installed(record: ConversationRecord): Promise<void> {
    const pending = await this.deps.store.list<PendingReport>(REPORTS);
    for (const { key, value, version } of pending) {
      if (value.target.tenantId.toLowerCase() !== record.tenantId.toLowerCase()) continue;
      // Another install may be sending the same report right now: one of them wins.
      const claimed = await this.deps.store.delete(REPORTS, key, version).catch((err: unknown) => {
        if (err instanceof StoreConflictError) return false;
        throw err;
      });
      if (!claimed) continue;
      if (await this.reachable(value.target)) continue;
      const tenant = this.deps.tenantOf(value.target.tenantId);
      if (!tenant) continue;
      await this.deps.delivery.enqueue(
        unreachableNoticeJobs(tenant, value.target, value.reason, this.deps.now().toISOString()),
      );
    }
  }

  private async reachable(target: DeliveryTarget): Promise<boolean> {
    if (target.kind === 'email') return false; // a mailbox refusal is fixed by an admin, not an install
    if (target.kind === 'personal') {
      return (
        (await this.deps.conversations.findPersonal(target.tenantId, target.userId)) !== undefined
      );
    }
    return this.deps.conversations.hasConversation(target.tenantId, 'channel');
  }
}
