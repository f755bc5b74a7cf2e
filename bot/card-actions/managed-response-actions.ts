// Card-action handlers of the managed response (cards/response-actions.json, and the "View
// managed response" buttons of the notification, SOC and awaiting-queue cards). Transport only:
// parse the ids the card sent (nothing else is read from it), take who and where from the
// turn, let the service decide, and turn its answer into an invoke response.
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { z } from 'zod';
import type { CardVerb } from '../../cards/card-verbs.ts';
import type { ActionVerb } from '../../src/features/managed-response/card-action-guard.ts';
import type {
  CardActionResult,
  CardActionService,
  CardCaller,
} from '../../src/features/managed-response/card-action-service.ts';
import {
  cardResponse,
  noticeResponse,
  type CardActionContext,
  type CardActionHandler,
} from './card-action-router.ts';

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
  (typeof actionVerbs)[number] | 'refreshManagedResponse' | 'viewManagedResponse';

export function managedResponseCardActions(
  service: CardActionService,
): Record<ManagedResponseVerb, CardActionHandler> {
  const act =
    (verb: ActionVerb): CardActionHandler =>
    async (ctx) => {
      const ids = actionData.safeParse(ctx.data);
      if (!ids.success) return outOfDate();
      return toInvokeResponse(await service.act(verb, callerOf(ctx), ids.data));
    };
  const handlers = Object.fromEntries(actionVerbs.map((verb) => [verb, act(verb)])) as Record<
    (typeof actionVerbs)[number],
    CardActionHandler
  >;
  return {
    ...handlers,
    refreshManagedResponse: async (ctx) => {
      const ids = incidentData.safeParse(ctx.data);
      if (!ids.success) return outOfDate();
      return toInvokeResponse(await service.refresh(callerOf(ctx), ids.data.incidentId));
    },
    viewManagedResponse: async (ctx) => {
      const ids = viewData.safeParse(ctx.data);
      if (!ids.success) return outOfDate();
      return toInvokeResponse(await service.view(callerOf(ctx), ids.data));
    },
  };
}

/** Who and where, from the turn only: the Teams tenant, the Entra object id, the chat. */
export function callerOf(ctx: CardActionContext): CardCaller {
  const { origin } = ctx;
  const mri = ctx.turn.activity.from?.id;
  return {
    tenantId: origin.tenantId,
    ...(origin.userId ? { userId: origin.userId } : {}),
    ...(origin.userName ? { userName: origin.userName } : {}),
    conversationId: origin.conversationId,
    kind: origin.kind,
    ...(mri ? { mri } : {}),
  };
}

export function toInvokeResponse(result: CardActionResult): AdaptiveCardInvokeResponse {
  switch (result.kind) {
    case 'card':
      return cardResponse(result.card);
    case 'notice':
      return noticeResponse(result.title, result.text);
    case 'message':
      // Teams shows the text and leaves the clicked card as it was (Universal Actions).
      return {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: result.text as unknown as Record<string, unknown>,
      };
  }
}

function outOfDate(): AdaptiveCardInvokeResponse {
  return noticeResponse(
    'This card is out of date',
    'The button did not say which incident or action it is for. Open the managed response again.',
  );
}
