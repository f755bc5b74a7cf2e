// What a click does to the clicker's open confirmation step (open-steps.ts): a request verb
// opens one for the action it names; every other click on the incident's actions closes it,
// because its answer shows no step (confirm and undo in the batch of their change).
import type { ConfirmIntent } from '../../../cards/response-action-task.ts';
import type { WriteOp } from '../../store/store.ts';
import type { CallerContext } from './caller-context.ts';
import type { OpenSteps } from './open-steps.ts';

export interface StepDeps {
  openSteps: Pick<OpenSteps, 'find' | 'open' | 'closeOp'>;
  store: { batch(ops: WriteOp[]): Promise<void> };
}

/** Opens the step the clicker's answer shows (a caller without an id cannot act anyway). */
export async function openStep(
  deps: StepDeps,
  ctx: CallerContext,
  actionId: string,
  intent: ConfirmIntent,
): Promise<{ actionId: string; intent: ConfirmIntent }> {
  const userId = ctx.caller.userId;
  if (userId) {
    await deps.openSteps.open({
      tenantId: ctx.tenant.tenantId,
      incidentId: ctx.response.incidentId,
      userId,
      conversationId: ctx.caller.conversationId,
      actionId,
      intent,
    });
  }
  return { actionId, intent };
}

/** The ops that close the clicker's step, none when they have none (read first: no blind write). */
export async function closeStepOps(deps: StepDeps, ctx: CallerContext): Promise<WriteOp[]> {
  const userId = ctx.caller.userId;
  if (!userId) return [];
  const open = await deps.openSteps.find(ctx.tenant.tenantId, ctx.response.incidentId, userId);
  return open ? [deps.openSteps.closeOp(open)] : [];
}

export async function closeStep(deps: StepDeps, ctx: CallerContext): Promise<void> {
  const ops = await closeStepOps(deps, ctx);
  if (ops.length > 0) await deps.store.batch(ops);
}
