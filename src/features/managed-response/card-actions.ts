// Card-action handlers of the managed response (cards/response-actions.json, and the "View
// managed response" buttons of the notification, SOC and awaiting-queue cards). Only the ids the
// card sent are read from it; who and where come from the turn; the service decides.
import { z } from 'zod';
import type { CardVerb } from '../../../cards/card-verbs.ts';
import { withData, type Caller, type CardActionHandler } from '../../app/feature.ts';
import { deviceNameInputId } from '../../domain/high-value-devices.ts';
import type { ActionVerb } from './card-action-guard.ts';
import type { CardActionService, CardCaller } from './card-action-service.ts';
import type { UndoVerb } from './undo-click.ts';

const id = z.string().trim().min(1).max(128);
const actionData = z.object({ incidentId: id, actionId: id });
const incidentData = z.object({ incidentId: id });
const viewData = z.object({ tenantId: id, incidentId: id });

const actionVerbs = [
  'runAction',
  'retryAction',
  'requestComplete',
  'confirmComplete',
  'requestSkip',
  'confirmSkip',
  'cancelConfirmation',
] as const satisfies readonly (ActionVerb & CardVerb)[];

export type ManagedResponseVerb =
  (typeof actionVerbs)[number] | UndoVerb | 'refreshManagedResponse' | 'viewManagedResponse';

const outOfDate = {
  title: 'This card is out of date',
  text: 'The button did not say which incident or action it is for. Open the managed response again.',
};

export function managedResponseCardActions(
  service: Pick<CardActionService, 'act' | 'undo' | 'refresh' | 'view'>,
): Record<ManagedResponseVerb, CardActionHandler> {
  const act = (verb: ActionVerb): CardActionHandler =>
    withData(actionData, outOfDate, async (ctx, ids) =>
      service.act(verb, callerOf(ctx.from), ids, typedDeviceName(ctx.data, ids.actionId)),
    );
  const handlers = Object.fromEntries(actionVerbs.map((verb) => [verb, act(verb)])) as Record<
    (typeof actionVerbs)[number],
    CardActionHandler
  >;
  const undo = (verb: UndoVerb): CardActionHandler =>
    withData(actionData, outOfDate, async (ctx, ids) =>
      service.undo(verb, callerOf(ctx.from), ids),
    );
  return {
    ...handlers,
    requestUndo: undo('requestUndo'),
    confirmUndo: undo('confirmUndo'),
    refreshManagedResponse: withData(incidentData, outOfDate, async (ctx, ids) =>
      service.refresh(callerOf(ctx.from), ids.incidentId),
    ),
    viewManagedResponse: withData(viewData, outOfDate, async (ctx, ids) =>
      service.view(callerOf(ctx.from), ids),
    ),
  };
}

/** The name typed in the action's device-name box (high-value devices), if the card sent one. */
function typedDeviceName(data: unknown, actionId: string): string | undefined {
  const value = (data as Record<string, unknown> | null)?.[deviceNameInputId(actionId)];
  return typeof value === 'string' ? value.slice(0, 256) : undefined;
}

/** Who and where, from the turn only: the Teams tenant, the Entra object id, the chat. */
export function callerOf(from: Caller): CardCaller {
  return {
    tenantId: from.tenantId,
    ...(from.userId ? { userId: from.userId } : {}),
    ...(from.userName ? { userName: from.userName } : {}),
    conversationId: from.conversationId,
    kind: from.kind,
    ...(from.teamsUserId ? { mri: from.teamsUserId } : {}),
  };
}
