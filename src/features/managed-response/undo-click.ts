// A click on Release from isolation / Remove app restriction (an Actions card task, or the
// still-contained reminder). requestUndo asks for confirmation and changes nothing; confirmUndo
// adds the undo as its own one-click action, linked to the one it reverses, already In
// progress, in one compare-and-set (so one click wins, and every copy and the audit follow), and
// starts it in Defender like any other machine action. The still-contained card's Yes, release
// comes here too (CardActionService.startUndo) and answers with its own card.
import { applyActionEvent } from '../../domain/action-state-machine.ts';
import type { ManagedResponse } from '../../domain/managed-response.ts';
import { newUndoAction, type UndoAction } from '../../domain/undo-action.ts';
import type { CardActionResult } from './card-action-result.ts';
import { findCardAction } from './card-action-guard.ts';
import type { CardActionDeps } from './card-action-service.ts';
import { callerCard, doneBanner, type CallerContext } from './caller-context.ts';
import { assertMayUndo, readContainment } from './undo-guard.ts';
import { closeStepOps, openStep } from './step-clicks.ts';

export type UndoVerb = 'requestUndo' | 'confirmUndo';

export async function undoClick(
  deps: CardActionDeps,
  ctx: CallerContext,
  verb: UndoVerb,
  ids: { incidentId: string; actionId: string },
  /** The answer once the undo started (the still-contained card has its own); else the card. */
  answer?: (undo: UndoAction) => CardActionResult,
): Promise<CardActionResult> {
  const tenantId = ctx.tenant.tenantId;
  const tenantResponses = await deps.repository.listForTenant(tenantId);
  const named = findCardAction(ctx.response, ids.actionId, tenantResponses);
  const machineActions = deps.defender.forTenant(tenantId).machineActions;
  // Asked fresh, never from the card or the facts cache: the device may have been released since.
  const containment =
    named.kind !== 'manual' && named.target.kind !== 'none'
      ? await readContainment(machineActions, named.target.deviceId)
      : undefined;
  const check = (response: ManagedResponse) =>
    assertMayUndo({
      response,
      action: findCardAction(response, ids.actionId, tenantResponses),
      role: ctx.role,
      containment,
      tenantResponses,
    });
  check(ctx.response);
  if (verb === 'requestUndo') {
    const confirm = await openStep(deps, ctx, named.id, 'undo');
    return callerCard(deps, ctx, ctx.response, { confirm });
  }
  const at = deps.now().toISOString();
  const closing = await closeStepOps(deps, ctx);
  const outcome = await deps.writer.change<UndoAction>(tenantId, ids.incidentId, (current) => {
    const original = check(current.response);
    const { action: undo } = applyActionEvent(
      newUndoAction(original, at),
      { type: 'start' },
      ctx.actor,
      at,
    );
    const started: UndoAction = { ...undo, reverses: original.id };
    return {
      write: true,
      response: {
        ...current.response,
        actions: [...current.response.actions, started],
        updatedAt: at,
      },
      audit: [
        {
          kind: 'attempt',
          actor: { ...ctx.actor, via: 'teams' },
          tenantId,
          incidentId: ids.incidentId,
          actionId: started.id,
          reverses: original.id,
          operation: verb,
          result: 'started',
        },
      ],
      cards: 'actions',
      result: started,
      ops: closing,
    };
  });
  deps.launch(tenantId, ids.incidentId, outcome.result.id);
  if (answer) return answer(outcome.result);
  const banner = doneBanner(outcome.result.title, outcome.result.status);
  return callerCard(deps, ctx, outcome.stored.response, { banner });
}
