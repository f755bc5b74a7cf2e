// The contact's Awaiting Customer Action card as a view (`incidentNotification`: tenant, incident,
// contact), rendered from the current incident, managed response and awaiting count when the job
// is sent or edited: a card parked until the app is installed shows the incident as it is then.
import type { CardView } from '../../delivery/delivery-job.ts';
import type { IncidentClaim } from '../../domain/incident-claim.ts';
import type { Rendered } from '../../delivery/perform-operation.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { notificationCard } from '../../../cards/incident-notification.ts';
import { viewerOf } from './claim-copies.ts';
import type { TextColor } from '../../../cards/card-parts.ts';

const COLORS: readonly TextColor[] = [
  'default',
  'dark',
  'light',
  'accent',
  'good',
  'warning',
  'attention',
];
const isColor = (value: string | undefined): value is TextColor =>
  COLORS.includes(value as TextColor);

export const CONTACT_VIEW = 'incidentNotification';

export interface ContactViewDeps {
  tenantOf: (tenantId: string) => CustomerTenant | undefined;
  incidents: Pick<IncidentDirectory, 'get'>;
  responses: Pick<ManagedResponseRepository, 'get'>;
  awaitingCount: (tenantId: string) => Promise<number>;
  /** Who is on it ("I'm on it") now, while the incident awaits the customer. */
  activeClaim?: (tenantId: string, incidentId: string) => Promise<IncidentClaim | undefined>;
}

export function contactView(tenantId: string, incidentId: string, userId: string): CardView {
  return { kind: CONTACT_VIEW, tenantId, incidentId, userId };
}

export async function renderContactView(
  deps: ContactViewDeps,
  view: CardView,
  summary: string | undefined,
): Promise<Rendered> {
  const { tenantId, incidentId } = view;
  const tenant = tenantId ? deps.tenantOf(tenantId) : undefined;
  const incident =
    tenantId && incidentId ? await deps.incidents.get(tenantId, incidentId) : undefined;
  if (!tenant || !incident) return { kind: 'skip', reason: 'the incident is not known (any more)' };
  // Reminders and escalations say why the card came again (their kicker).
  const kicker = view.kicker
    ? { text: view.kicker, color: isColor(view.kickerColor) ? view.kickerColor : 'warning' }
    : undefined;
  const claim = await deps.activeClaim?.(tenant.tenantId, incident.id);
  // Each contact's copy is theirs: whether they may claim, whether they hold the claim.
  const card = notificationCard({
    incident,
    organizationName: tenant.name,
    response: (await deps.responses.get(tenant.tenantId, incident.id))?.value,
    awaitingCount: await deps.awaitingCount(tenant.tenantId),
    ...(kicker ? { kicker } : {}),
    ...(claim ? { claim } : {}),
    ...(view.userId ? { viewer: viewerOf(tenant, view.userId) } : {}),
  });
  return {
    kind: 'activity',
    activity: cardActivity(card, summary ?? `Incident ${incident.id}: ${incident.title}`),
  };
}
