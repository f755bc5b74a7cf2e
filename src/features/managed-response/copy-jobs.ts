// Delivery jobs that keep every copy of the managed-response cards current: the base card of
// each copy (what everyone in that conversation sees) rendered for the copy's viewer, with the
// refresh list that gives each listed user their own view through refreshManagedResponse. A 1:1
// chat's Actions card also names its view (COPY_VIEW), so the delivery engine can draw it again
// with the viewer's open confirmation step when it is sent (copy-view.ts).
import type { AdaptiveCard } from '../../../cards/adaptive-card.ts';
import type { CardView, DeliveryJob, OutgoingActivity } from '../../delivery/delivery-job.ts';
import type { Incident } from '../../domain/incident.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { resolveRole } from '../../domain/roles.ts';
import type { CustomerTenant } from '../../domain/tenant.ts';
import type { ViewerKind } from '../../../cards/response-actions.ts';
import {
  actionsMessageKey,
  copyOrderingKey,
  summaryMessageKey,
  type CardCopy,
} from './card-copies.ts';
import { cardActivity } from '../../shared/card-activity.ts';
import type { RenderedDevices } from './device-facts.ts';
import { renderActionsCard } from '../../../cards/response-actions.ts';
import { renderSummaryCard } from '../../../cards/investigation-summary.ts';

export interface CopyContext {
  tenant: CustomerTenant;
  response: ManagedResponse;
  incident: Incident | undefined;
  /** MRIs of the tenant's users known to the bot (refresh list of shared copies). */
  audience: readonly string[];
  /** Unique per change (e.g. the record version): part of every job id. */
  stamp: string;
  now: string;
  /** Device facts on the task cards (absent: none shown). */
  devices?: RenderedDevices;
}

export type CardsToSend = 'actions' | 'both';

export function baseViewer(copy: CardCopy, tenant: CustomerTenant): ViewerKind {
  if (!copy.viewerUserId) return 'shared';
  return resolveRole(tenant.roles, copy.viewerUserId, []) === 'securityOperator'
    ? 'operator'
    : 'reader';
}

export function refreshListFor(copy: CardCopy, audience: readonly string[]): string[] {
  return copy.viewerMri ? [copy.viewerMri] : [...audience].slice(0, 60);
}

function baseActionsCard(copy: CardCopy, ctx: CopyContext): AdaptiveCard {
  return renderActionsCard({
    response: ctx.response,
    incident: ctx.incident,
    viewer: baseViewer(copy, ctx.tenant),
    refreshUserIds: refreshListFor(copy, ctx.audience),
    ...(ctx.devices && { devices: ctx.devices }),
  });
}

export const COPY_VIEW = 'managedResponseActions';

/** The view of a 1:1 chat's Actions card; shared copies have none (they never show a step). */
export function copyView(copy: CardCopy): CardView | undefined {
  if (!copy.viewerUserId) return undefined;
  return {
    kind: COPY_VIEW,
    tenantId: copy.tenantId,
    incidentId: copy.incidentId,
    conversationId: copy.conversationId,
    userId: copy.viewerUserId,
  };
}

/** The copy's Actions card as drawn now, with its view when it has one. */
function actionsActivity(copy: CardCopy, ctx: CopyContext): OutgoingActivity {
  const view = copyView(copy);
  return {
    ...cardActivity(baseActionsCard(copy, ctx), summaryText(ctx, 'Response actions')),
    ...(view && { view }),
  };
}

function summaryText(ctx: CopyContext, what: string): string {
  return `${what}: incident ${ctx.response.incidentId} · ${ctx.response.summary.headline}`;
}

/** First delivery of a copy: the summary, then the actions card (threaded for SOC copies). */
export function sendCopyJobs(copy: CardCopy, ctx: CopyContext): DeliveryJob[] {
  const base = jobBase(copy, ctx);
  const reply = copy.replyToMessageKey ? { replyToMessageKey: copy.replyToMessageKey } : {};
  return [
    {
      ...base,
      id: `${base.id}:send-summary`,
      messageKey: summaryMessageKey(copy),
      operation: {
        kind: 'send',
        ...reply,
        activity: cardActivity(
          renderSummaryCard(ctx.response, ctx.incident),
          summaryText(ctx, 'Investigation summary'),
        ),
      },
    },
    {
      ...base,
      id: `${base.id}:send-actions`,
      messageKey: actionsMessageKey(copy),
      operation: {
        kind: 'send',
        ...reply,
        activity: actionsActivity(copy, ctx),
      },
    },
  ];
}

/** Edits of every sent copy; deferred copies are skipped (they are sent whole later). */
export function updateCopyJobs(
  copies: readonly CardCopy[],
  ctx: CopyContext,
  which: CardsToSend,
): DeliveryJob[] {
  const summary = which === 'both' ? renderSummaryCard(ctx.response, ctx.incident) : undefined;
  return copies
    .filter((copy) => copy.state === 'sent')
    .flatMap((copy) => {
      const base = jobBase(copy, ctx);
      const jobs: DeliveryJob[] = [];
      if (summary) {
        jobs.push({
          ...base,
          id: `${base.id}:update-summary`,
          operation: {
            kind: 'update',
            messageKey: summaryMessageKey(copy),
            activity: cardActivity(summary, summaryText(ctx, 'Investigation summary')),
          },
        });
      }
      jobs.push({
        ...base,
        id: `${base.id}:update-actions`,
        operation: {
          kind: 'update',
          messageKey: actionsMessageKey(copy),
          activity: actionsActivity(copy, ctx),
        },
      });
      return jobs;
    });
}

function jobBase(copy: CardCopy, ctx: CopyContext) {
  return {
    id: `mr:${copy.tenantId.toLowerCase()}:${copy.incidentId}:${copy.conversationId}:${ctx.stamp}`,
    orderingKey: copyOrderingKey(copy),
    target: copy.target,
    createdAt: ctx.now,
  };
}
