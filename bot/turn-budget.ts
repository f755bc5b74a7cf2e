// Budgets at the door of a turn: every message and every card click costs one unit of the
// sender's budget and of their organisation's (src/platform/budgets.ts) before any command, relay
// or handler runs; over budget nothing runs, and the sender is told to slow down and send it
// again. Work deeper in the turn that has a budget of its own (a Graph look-up of an incident not
// stored yet) or would wait too long for Defender throws a typed error; this file turns those into
// the same kind of answer. Never an error: the person learns what to do, the log says it once.
import type { Caller } from '../src/app/feature.ts';
import { DefenderThrottledError } from '../src/defender/errors.ts';
import {
  BudgetExceededError,
  type BudgetKind,
  type BudgetRefusal,
  type BudgetSpender,
  type Budgets,
} from '../src/platform/budgets.ts';
import type { MessageCardData } from '../cards/message.ts';
import {
  defenderBusyCardData,
  defenderBusyText,
  slowDownCardData,
  slowDownText,
} from '../cards/message-slow-down.ts';

/** What to answer instead: a card after a message, a text as a click's answer. */
export interface TurnRefusal {
  card: MessageCardData;
  text: string;
}

export type TurnBudget = Pick<Budgets, 'take'>;

/** Who spends: the Entra object id, else the Teams id, else the conversation. */
export function spenderOf(from: Caller): BudgetSpender {
  return {
    tenantId: from.tenantId,
    userId: from.userId ?? from.teamsUserId ?? from.conversationId,
  };
}

/** Takes one unit for this turn; the refusal to send when the budget is spent. */
export async function admitTurn(
  budget: TurnBudget | undefined,
  kind: Extract<BudgetKind, 'message' | 'cardAction'>,
  from: Caller,
): Promise<TurnRefusal | undefined> {
  const refusal = await budget?.take(kind, spenderOf(from));
  return refusal && slowDown(refusal);
}

/** The answer to an error a handler threw, when it is a refusal (budget, Defender busy). */
export function refusalFor(error: unknown): TurnRefusal | undefined {
  if (error instanceof BudgetExceededError) return slowDown(error.refusal);
  if (error instanceof DefenderThrottledError) {
    return {
      card: defenderBusyCardData(error.retryAfterSeconds),
      text: defenderBusyText(error.retryAfterSeconds),
    };
  }
  return undefined;
}

function slowDown(refusal: BudgetRefusal): TurnRefusal {
  const input = {
    retryAfterSeconds: refusal.retryAfterSeconds,
    scope: refusal.scope,
    budget: refusal.kind,
  };
  return { card: slowDownCardData(input), text: slowDownText(input) };
}
