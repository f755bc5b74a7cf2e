// Who was reached, and how: turns what the delivery engine reports (onDelivered, onParked) about
// contact cards and email jobs into contact-reach records, then refreshes the incident's SOC
// card so the channel sees it. The refresh is a view job, rendered when sent: it shows the state
// of that moment, whatever order the refreshes run in.
import type { DeliveryJob, DeliveryRecord } from '../../delivery/delivery-job.ts';
import type { RecordedFailure } from '../../delivery/delivery-schemas.ts';
import type { ContactReach } from '../../domain/contact-reach.ts';
import { isHandledByExperts } from '../../domain/incident.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ContactReachStore } from './contact-reach-store.ts';
import { EMAIL_VIEW } from './email-fallback.ts';
import { socRefreshJobs } from './soc-view.ts';

export interface ReachRecorderDeps {
  reach: ContactReachStore;
  delivery: Pick<Delivery, 'enqueue'>;
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  incidents: Pick<IncidentDirectory, 'get'>;
  /** Why installing the app for this contact was refused, if it was (proactive install). */
  refusalOf: (job: DeliveryJob) => string | undefined;
  now: Clock;
}

interface Ids {
  tenantId: string;
  incidentId: string;
  userId: string;
}

/** The contact and incident a job notifies: a contact card (by message key) or an email. */
export function contactOf(job: DeliveryJob): { ids: Ids; channel: 'teams' | 'email' } | undefined {
  const view = job.operation.activity.view;
  if (job.target.kind === 'email' && view?.kind === EMAIL_VIEW) {
    const { tenantId, incidentId, userId } = view;
    if (!tenantId || !incidentId || !userId) return undefined;
    return { ids: { tenantId, incidentId, userId }, channel: 'email' };
  }
  const key = job.messageKey ?? (job.operation.kind === 'update' ? job.operation.messageKey : '');
  const [kind, tenantId, incidentId, userId, ...rest] = key.split(':');
  if (kind !== 'contact' || !tenantId || !incidentId || !userId || rest.length > 0)
    return undefined;
  if (job.target.kind !== 'personal') return undefined;
  return {
    ids: { tenantId: job.target.tenantId, incidentId, userId: job.target.userId },
    channel: 'teams',
  };
}

export class ReachRecorder {
  constructor(private readonly deps: ReachRecorderDeps) {}

  async delivered(
    job: DeliveryJob,
    record: DeliveryRecord,
    info: { reached: boolean },
  ): Promise<void> {
    const contact = contactOf(job);
    if (!contact || record.skipped !== undefined) return;
    const at = record.deliveredAt;
    await this.change(job, contact.ids, (r) =>
      contact.channel === 'email'
        ? { ...r, email: r.email ?? { at } }
        : { ...r, teams: r.teams ?? { via: info.reached ? 'teamsInstall' : 'teams', at } },
    );
  }

  async parked(job: DeliveryJob, error: RecordedFailure | undefined): Promise<void> {
    const contact = contactOf(job);
    if (!contact) return;
    const at = this.deps.now().toISOString();
    const code =
      (contact.channel === 'teams' ? this.deps.refusalOf(job) : undefined) ??
      error?.code ??
      'Refused';
    await this.change(job, contact.ids, (r) =>
      contact.channel === 'email'
        ? { ...r, emailRefused: { code, at } }
        : { ...r, notReached: { code, at } },
    );
  }

  private async change(
    job: DeliveryJob,
    ids: Ids,
    apply: (r: ContactReach) => ContactReach,
  ): Promise<void> {
    const before = await this.deps.reach.get(ids.tenantId, ids.incidentId, ids.userId);
    const after = await this.deps.reach.update(ids, apply);
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    const tenant = this.deps.tenantOf(ids.tenantId);
    const incident = await this.deps.incidents.get(ids.tenantId, ids.incidentId);
    if (!tenant || !incident || !isHandledByExperts(incident)) return;
    await this.deps.delivery.enqueue(
      socRefreshJobs(tenant, ids.incidentId, `reach:${job.id}`, this.deps.now().toISOString()),
    );
  }
}
