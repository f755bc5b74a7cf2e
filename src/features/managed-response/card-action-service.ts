// The customer's side of a managed response, one method per kind of card click: act on an
// action (run, retry, the manual confirmation steps), refresh one's own view, view the response
// in a conversation. Answers are the clicker's own view of the Actions card; changes reach every
// other copy through the response writer. Nothing from the card is trusted (card-action-guard).
import type { Delivery } from '../../shared/delivery.ts';
import type { Clock } from '../../platform/clock.ts';
import { randomUUID } from 'node:crypto';
import { applyActionEvent, type ActionEvent } from '../../domain/action-state-machine.ts';
import { assertSameTenant, DomainError, isDomainError } from '../../domain/errors.ts';
import { replaceAction, type ManagedResponse } from '../../domain/managed-response.ts';
import type { WriteOp } from '../../store/store.ts';
import type { ManagedResponseRepository } from '../../shared/managed-response-repository.ts';
import type { AuditTrail, NewAuditEntry } from './audit-trail.ts';
import { assertMayAct, findCardAction, refusalCode, type ActionVerb } from './card-action-guard.ts';
import { refusalResult, type CardActionResult } from './card-action-result.ts';
import type { CardCopies } from './card-copies.ts';
import type { DeviceActionIndex } from './device-action-index.ts';
import {
  callerCard,
  doneBanner,
  loadCallerContext,
  refusalBanner,
  type CallerContext,
  type CallerContextDeps,
  type CardCaller,
} from './caller-context.ts';
import { sendCopyJobs } from './copy-jobs.ts';
import { refreshAudience } from './refresh-audience.ts';
import type { HighValueGuard } from './high-value-guard.ts';
import type { ResponseWriter } from './response-writer.ts';
import { clearAlreadyRunning } from '../../domain/tracked-action.ts';
import type { UndoAction } from '../../domain/undo-action.ts';
import { undoClick, type UndoVerb } from './undo-click.ts';
import type { OpenSteps } from './open-steps.ts';
import { closeStep, closeStepOps, openStep } from './step-clicks.ts';

export type { CardActionResult } from './card-action-result.ts';

/** How an undo confirmed on another card went: started, or why not (already audited). */
export type UndoOutcome = { kind: 'started'; undo: UndoAction } | { kind: 'refused'; text: string };
export type { CardCaller } from './caller-context.ts';

export interface CardActionDeps extends CallerContextDeps {
  writer: ResponseWriter;
  repository: ManagedResponseRepository;
  copies: CardCopies;
  deviceActions: Pick<DeviceActionIndex, 'inProgressBeside'>;
  delivery: Delivery;
  audit: AuditTrail;
  store: { batch(ops: WriteOp[]): Promise<void> };
  /** The confirmation steps users have open (shown by every later edit of their copy). */
  openSteps: OpenSteps;
  now: Clock;
  /** Typed confirmation for high-value devices (absent: no such check). */
  highValue?: Pick<HighValueGuard, 'assertConfirmed'>;
  /** Starts the Defender side of a one-click action in the background. */
  launch: (tenantId: string, incidentId: string, actionId: string) => void;
}

const events: Partial<Record<ActionVerb, ActionEvent>> = {
  runAction: { type: 'start' },
  retryAction: { type: 'retry' },
  confirmComplete: { type: 'confirmComplete' },
  confirmSkip: { type: 'confirmSkip' },
};

export class CardActionService {
  constructor(private readonly deps: CardActionDeps) {}

  async act(
    verb: ActionVerb,
    caller: CardCaller,
    ids: { incidentId: string; actionId: string },
    /** What was typed in the action's device-name box (high-value devices). */
    typedDeviceName?: string,
  ) {
    const { deps } = this;
    return this.#clicked(caller, ids.incidentId, verb, ids.actionId, async (ctx) => {
      const { tenantId } = ctx.tenant;
      // Reads what the click concerns, not the tenant: the device's actions in progress; the
      // tenant's other responses only when the id is not in this incident (tampered card data).
      const check = async (response: ManagedResponse) => {
        const here = response.actions.some((a) => a.id === ids.actionId);
        const elsewhere = here ? [] : await deps.repository.listForTenant(tenantId);
        const action = findCardAction(response, ids.actionId, elsewhere);
        const tenantResponses = await deps.deviceActions.inProgressBeside(
          tenantId,
          action,
          response,
        );
        const { role, incident } = ctx;
        assertMayAct({ verb, action, role, incidentId: ids.incidentId, incident, tenantResponses });
        return action;
      };
      const action = await check(ctx.response);
      if (verb === 'requestComplete' || verb === 'requestSkip') {
        const intent = verb === 'requestComplete' ? 'complete' : 'skip';
        const confirm = await openStep(deps, ctx, action.id, intent);
        return callerCard(deps, ctx, ctx.response, { confirm });
      }
      const event = events[verb];
      if (!event) {
        await closeStep(deps, ctx); // Cancel
        return callerCard(deps, ctx, ctx.response);
      }
      if (event.type === 'start' || event.type === 'retry') {
        await deps.highValue?.assertConfirmed(ctx, action, verb, typedDeviceName);
      }
      const at = deps.now().toISOString();
      const closing = await closeStepOps(deps, ctx);
      // Re-checked on the record being replaced: only the writer that wins the version acts.
      const outcome = await deps.writer.change(tenantId, ids.incidentId, async (current) => {
        const fresh = clearAlreadyRunning(await check(current.response));
        const { action: next } = applyActionEvent(fresh, event, ctx.actor, at);
        const confirmation = verb === 'confirmComplete' || verb === 'confirmSkip';
        const result = next.status === 'inProgress' ? 'started' : next.status;
        return {
          write: true,
          response: replaceAction(current.response, next, at),
          audit: [
            entry(ctx, verb, ids.actionId, confirmation ? 'confirmation' : 'attempt', result),
          ],
          cards: 'actions',
          result: next,
          ops: closing,
        };
      });
      if (outcome.result.status === 'inProgress') {
        deps.launch(tenantId, ids.incidentId, ids.actionId);
      }
      const banner = doneBanner(outcome.result.title, outcome.result.status);
      return callerCard(deps, ctx, outcome.stored.response, { banner });
    });
  }

  /** Release from isolation / Remove app restriction: confirmation, then the undo action. */
  async undo(verb: UndoVerb, caller: CardCaller, ids: { incidentId: string; actionId: string }) {
    return this.#clicked(caller, ids.incidentId, verb, ids.actionId, (ctx) =>
      undoClick(this.deps, ctx, verb, ids),
    );
  }

  /**
   * The same undo, confirmed on another card (the still-contained reminder): every check, audit
   * and refusal of confirmUndo, answered as an outcome for that card to show.
   */
  async startUndo(
    caller: CardCaller,
    ids: { incidentId: string; actionId: string },
  ): Promise<UndoOutcome> {
    // Set by the callbacks below (a plain `let` would be narrowed to undefined after them).
    const seen: { refused?: DomainError; started?: UndoAction } = {};
    const answer = await this.#clicked(caller, ids.incidentId, 'confirmUndo', ids.actionId, (ctx) =>
      undoClick(this.deps, ctx, 'confirmUndo', ids, (undo) => {
        seen.started = undo;
        return { kind: 'message', text: '' };
      }).catch((error: unknown) => {
        if (error instanceof DomainError) seen.refused = error;
        throw error;
      }),
    );
    if (seen.started) return { kind: 'started', undo: seen.started };
    const { refused } = seen;
    const notice = answer.kind === 'notice' ? answer.text : '';
    const text = refused ? refusalBanner(refused).text : notice;
    return { kind: 'refused', text: text || 'Refused: the release could not start.' };
  }

  /** The caller's own view (refresh.userIds and the refreshManagedResponse verb), with their step. */
  async refresh(caller: CardCaller, incidentId: string): Promise<CardActionResult> {
    return this.#guarded(caller, incidentId, 'refreshManagedResponse', undefined, async (ctx) => {
      const { tenantId } = ctx.tenant;
      const step = await this.deps.openSteps.shown(
        tenantId,
        incidentId,
        caller.userId,
        caller.conversationId,
      );
      return callerCard(this.deps, ctx, ctx.response, step ? { confirm: step } : {});
    });
  }

  /**
   * Sends the summary and actions cards into the caller's conversation and keeps them current.
   * The conversation's newest copy is the tracked one (same message keys).
   */
  async view(caller: CardCaller, ids: { tenantId: string; incidentId: string }) {
    const { deps } = this;
    return this.#guarded(caller, ids.incidentId, 'viewManagedResponse', undefined, async (ctx) => {
      assertSameTenant(ctx.tenant.tenantId, ids.tenantId);
      const now = deps.now().toISOString();
      const personal = caller.kind === 'personal';
      const { tenantId } = ctx.tenant;
      const conversationId = caller.conversationId;
      const copy = {
        tenantId,
        incidentId: ids.incidentId,
        conversationId,
        // A 1:1 chat is the user's personal target, as for every other card sent to them.
        target:
          personal && caller.userId
            ? { kind: 'personal' as const, tenantId, userId: caller.userId }
            : { kind: 'conversation' as const, tenantId, conversationId },
        ...(personal && caller.userId ? { viewerUserId: caller.userId } : {}),
        ...(personal && caller.mri ? { viewerMri: caller.mri } : {}),
        state: 'sent' as const,
        createdAt: now,
      };
      const audience = await refreshAudience(deps.conversations, ctx.tenant);
      const { response, incident, tenant } = ctx;
      const stamp = `view-${randomUUID()}`;
      const devices = await deps.deviceFacts?.forResponse(response);
      const jobs = sendCopyJobs(copy, {
        tenant,
        response,
        incident,
        audience,
        stamp,
        now,
        ...(devices && { devices }),
      });
      await deps.store.batch([...deps.copies.putOps(copy), ...deps.delivery.enqueueOps(jobs)]);
      deps.delivery.wake();
      const text = `Here is the managed response for incident ${ids.incidentId}.`;
      return { kind: 'message' as const, text };
    });
  }

  /**
   * A click on one of the incident's actions: as #guarded, and a refusal's answer shows no step,
   * so the clicker's open step closes with it (the answers of the clicks that go ahead open or
   * close it themselves).
   */
  async #clicked(
    caller: CardCaller,
    incidentId: string,
    operation: string,
    actionId: string,
    body: (ctx: CallerContext) => Promise<CardActionResult>,
  ): Promise<CardActionResult> {
    return this.#guarded(caller, incidentId, operation, actionId, body, (ctx) =>
      closeStep(this.deps, ctx),
    );
  }

  /** Loads the caller's context and runs `body`; any refusal becomes an audited card or notice. */
  async #guarded(
    caller: CardCaller,
    incidentId: string,
    operation: string,
    actionId: string | undefined,
    body: (ctx: CallerContext) => Promise<CardActionResult>,
    onRefused?: (ctx: CallerContext) => Promise<void>,
  ): Promise<CardActionResult> {
    let ctx: CallerContext | undefined;
    try {
      ctx = await loadCallerContext(this.deps, caller, incidentId);
      return await body(ctx);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.deps.audit.append({
        kind: 'refusal',
        actor: {
          userId: caller.userId || 'unknown',
          name: caller.userName ?? 'Unknown user',
          via: 'teams',
        },
        tenantId: ctx?.tenant.tenantId ?? (caller.tenantId || 'unknown'),
        incidentId,
        ...(actionId ? { actionId } : {}),
        operation,
        result: 'refused',
        code: refusalCode(error),
        detail: error.message,
      });
      // Another organisation's incident is not shown, not even its card.
      if (!ctx || isDomainError(error, 'FOREIGN_TENANT')) return refusalResult(error);
      await onRefused?.(ctx);
      return callerCard(this.deps, ctx, ctx.response, { banner: refusalBanner(error) });
    }
  }
}

function entry(
  ctx: CallerContext,
  operation: string,
  actionId: string,
  kind: 'attempt' | 'confirmation',
  result: string,
): NewAuditEntry {
  return {
    kind,
    actor: { ...ctx.actor, via: 'teams' },
    tenantId: ctx.tenant.tenantId,
    incidentId: ctx.response.incidentId,
    actionId,
    operation,
    result,
  };
}
