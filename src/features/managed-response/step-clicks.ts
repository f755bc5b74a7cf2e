// What a click does to the clicker's open confirmation step (open-steps.ts): a request verb
// opens one for the action it names; every other click on the incident's actions closes it,
// because its answer shows no step (confirm and undo in the batch of their change). Opening and
// closing also queue an edit of the clicker's 1:1 copy: an edit of every copy drawn just before
// (waiting for its turn under Teams' pacing) can still land after the answer, and this one, in
// the same order behind it, is drawn after the change (copy-view.ts), so it has the last word.
import { randomUUID } from 'node:crypto';
import type { ConfirmIntent } from '../../../cards/response-action-task.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Delivery } from '../../shared/delivery.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { WriteOp } from '../../store/store.ts';
import type { CallerContext } from './caller-context.ts';
import type { CardCopies } from './card-copies.ts';
import { updateCopyJobs } from './copy-jobs.ts';
import type { DeviceFactsSource } from './device-facts.ts';
import type { OpenSteps } from './open-steps.ts';

export interface StepDeps {
  openSteps: Pick<OpenSteps, 'find' | 'openOp' | 'closeOp'>;
  store: { batch(ops: WriteOp[]): Promise<void> };
  repository: Pick<ManagedResponseRepository, 'get'>;
  copies: Pick<CardCopies, 'get'>;
  delivery: Pick<Delivery, 'enqueueOps' | 'wake'>;
  deviceFacts?: DeviceFactsSource;
  now: Clock;
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
    const open = deps.openSteps.openOp({
      tenantId: ctx.tenant.tenantId,
      incidentId: ctx.response.incidentId,
      userId,
      conversationId: ctx.caller.conversationId,
      actionId,
      intent,
    });
    await write(deps, [open, ...(await clickerCopyEditOps(deps, ctx))]);
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

/** Closes the clicker's step outside a change (Cancel, a refusal), with an edit of their copy. */
export async function closeStep(deps: StepDeps, ctx: CallerContext): Promise<void> {
  const ops = await closeStepOps(deps, ctx);
  if (ops.length > 0) await write(deps, [...ops, ...(await clickerCopyEditOps(deps, ctx))]);
}

async function write(deps: StepDeps, ops: WriteOp[]): Promise<void> {
  await deps.store.batch(ops);
  deps.delivery.wake();
}

/** An edit of the Actions card of the clicker's 1:1 chat, if the click came from one. */
async function clickerCopyEditOps(deps: StepDeps, ctx: CallerContext): Promise<WriteOp[]> {
  const { tenantId } = ctx.tenant;
  const incidentId = ctx.response.incidentId;
  const copy = await deps.copies.get(tenantId, incidentId, ctx.caller.conversationId);
  const userId = ctx.caller.userId?.toLowerCase();
  if (!copy || copy.viewerUserId?.toLowerCase() !== userId) return [];
  // Read again: the card drawn now is what the edit shows when no step is open by then.
  const response = (await deps.repository.get(tenantId, incidentId))?.value ?? ctx.response;
  const devices = await deps.deviceFacts?.forResponse(response);
  const jobs = updateCopyJobs(
    [copy],
    {
      tenant: ctx.tenant,
      response,
      incident: ctx.incident,
      audience: [],
      stamp: `step-${randomUUID()}`,
      now: deps.now().toISOString(),
      ...(devices && { devices }),
    },
    'actions',
  );
  return deps.delivery.enqueueOps(jobs);
}
