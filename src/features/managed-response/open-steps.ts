// The confirmation steps users have open ("Yes, skip this action" / Cancel, and the like): one
// per user and incident, the one their last click showed, and in the conversation they clicked
// in. Copies render it when they are sent (copy-view.ts) and the user's refresh view shows it,
// so an edit of every copy that was already on its way cannot take the step away. A click on
// anything else of the incident's actions closes it (confirm, cancel, another button: their
// answers show no step), and so does time: after OPEN_STEP_TTL_MS a card shows the incident as
// it is, without a step the user walked away from.
import type { ConfirmIntent } from '../../../cards/response-action-task.ts';
import type { Clock } from '../../platform/clock.ts';
import { StoreConflictError, type Store, type WriteOp } from '../../store/store.ts';

export const OPEN_STEPS_COLLECTION = 'managedResponseOpenSteps';

/**
 * 10 minutes: a confirmation is the click right after the request, so this covers a user who
 * reads the impact first and edits delayed by Teams' throttling (minutes at worst), while a step
 * left open over a meeting is not shown again to a user who has forgotten it.
 */
export const OPEN_STEP_TTL_MS = 10 * 60_000;

export interface OpenStep {
  tenantId: string;
  incidentId: string;
  /** Entra object id of the user who asked. */
  userId: string;
  /** Where they asked: only that conversation's copy shows the step. */
  conversationId: string;
  actionId: string;
  intent: ConfirmIntent;
  openedAt: string;
  expiresAt: string;
}

/** The card's confirm input: what the step shows in that conversation, if anything. */
export type ShownStep = { actionId: string; intent: ConfirmIntent };

function stepKey(tenantId: string, incidentId: string, userId: string): string {
  return `${tenantId.toLowerCase()}:${incidentId}:${userId.toLowerCase()}`;
}

export class OpenSteps {
  constructor(
    private readonly store: Store,
    private readonly now: Clock,
  ) {}

  /** The user's step on the incident, expired or not (what a close deletes). */
  async find(tenantId: string, incidentId: string, userId: string): Promise<OpenStep | undefined> {
    const key = stepKey(tenantId, incidentId, userId);
    return (await this.store.get<OpenStep>(OPEN_STEPS_COLLECTION, key))?.value;
  }

  /** What the user's copy in `conversationId` shows: their open step there, unexpired. */
  async shown(
    tenantId: string,
    incidentId: string,
    userId: string | undefined,
    conversationId: string,
  ): Promise<ShownStep | undefined> {
    if (!userId) return undefined;
    const step = await this.find(tenantId, incidentId, userId);
    if (!step || step.conversationId !== conversationId) return undefined;
    if (step.expiresAt <= this.now().toISOString()) return undefined;
    return { actionId: step.actionId, intent: step.intent };
  }

  /** The op that opens (or replaces) the user's step: the card shows one step at a time. */
  openOp(step: Omit<OpenStep, 'openedAt' | 'expiresAt'>): WriteOp {
    const at = this.now();
    const value: OpenStep = {
      ...step,
      openedAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + OPEN_STEP_TTL_MS).toISOString(),
    };
    const key = stepKey(step.tenantId, step.incidentId, step.userId);
    return { kind: 'put', collection: OPEN_STEPS_COLLECTION, key, value };
  }

  /** The op that closes the user's step (for the batch of the change that ends it). */
  closeOp(step: Pick<OpenStep, 'tenantId' | 'incidentId' | 'userId'>): WriteOp {
    return {
      kind: 'delete',
      collection: OPEN_STEPS_COLLECTION,
      key: stepKey(step.tenantId, step.incidentId, step.userId),
    };
  }

  /** Deletes expired steps (the sweep): a step nobody closed does not stay forever. */
  async prune(owns: (tenantId: string) => boolean = () => true): Promise<number> {
    const now = this.now().toISOString();
    const records = await this.store.list<OpenStep>(OPEN_STEPS_COLLECTION);
    const expired = records.filter((r) => r.value.expiresAt <= now && owns(r.value.tenantId));
    // Compare-and-set: a step opened again meanwhile is kept.
    for (const { key, version } of expired) {
      await this.store.delete(OPEN_STEPS_COLLECTION, key, version).catch((err: unknown) => {
        if (!(err instanceof StoreConflictError)) throw err;
      });
    }
    return expired.length;
  }
}
