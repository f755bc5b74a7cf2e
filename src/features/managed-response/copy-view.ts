// A 1:1 chat's copy of the Actions card as a delivery view (`managedResponseActions`: tenant,
// incident, conversation, viewer), looked at by the delivery engine right before each send or
// edit. When the viewer has a confirmation step open in that chat (open-steps.ts), the card is
// drawn again from the current state with the step, so an edit queued before the step was opened
// does not take it away; otherwise the card drawn when the job was queued is sent, as it was.
import type { CardView, DeliveryJob } from '../../delivery/delivery-job.ts';
import type { Rendered, RenderView } from '../../delivery/perform-operation.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { IncidentDirectory } from '../../shared/incident-directory.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import { renderActionsCard } from '../../../cards/response-actions.ts';
import type { CardCopies } from './card-copies.ts';
import { baseViewer, COPY_VIEW, refreshListFor } from './copy-jobs.ts';
import type { DeviceFactsSource } from './device-facts.ts';
import type { OpenSteps } from './open-steps.ts';
import type { DefenderPort } from './ports.ts';

export interface CopyViewDeps {
  repository: Pick<ManagedResponseRepository, 'get'>;
  defender: DefenderPort;
  incidents: Pick<IncidentDirectory, 'get'>;
  copies: Pick<CardCopies, 'get'>;
  openSteps: Pick<OpenSteps, 'shown'>;
  deviceFacts?: DeviceFactsSource;
}

/** The delivery engine's render for this feature's views; undefined for anyone else's. */
export function copyViewRenderer(deps: CopyViewDeps): RenderView {
  return async (job) => {
    const view = job.operation.activity.view;
    return view?.kind === COPY_VIEW ? renderCopyView(deps, job, view) : undefined;
  };
}

export async function renderCopyView(
  deps: CopyViewDeps,
  job: DeliveryJob,
  view: CardView,
): Promise<Rendered> {
  const stored: Rendered = { kind: 'activity', activity: job.operation.activity };
  const { tenantId, incidentId, conversationId, userId } = view;
  if (!tenantId || !incidentId || !conversationId) return stored;
  const step = await deps.openSteps.shown(tenantId, incidentId, userId, conversationId);
  if (!step) return stored;
  const [copy, record] = await Promise.all([
    deps.copies.get(tenantId, incidentId, conversationId),
    deps.repository.get(tenantId, incidentId),
  ]);
  if (!copy || !record) return stored;
  let tenant;
  try {
    tenant = deps.defender.forTenant(tenantId).tenant;
  } catch (err) {
    if (isDomainError(err, 'NOT_FOUND')) return stored;
    throw err;
  }
  // A user who is no longer a Security Operator is not offered a step they may not confirm.
  const viewer = baseViewer(copy, tenant);
  if (viewer !== 'operator') return stored;
  const devices = await deps.deviceFacts?.forResponse(record.value);
  const card = renderActionsCard({
    response: record.value,
    incident: await deps.incidents.get(tenantId, incidentId),
    viewer,
    refreshUserIds: refreshListFor(copy, []),
    confirm: step,
    ...(devices && { devices }),
  });
  const activity = job.operation.activity;
  return {
    kind: 'activity',
    activity: {
      ...activity,
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
    },
  };
}
