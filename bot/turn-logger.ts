// One child logger per turn, carrying the activity id on every line.
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../src/platform/logger.ts';

const KEY = Symbol('turnLogger');

export function attachTurnLogger(context: TurnContext, root: Logger): Logger {
  const a = context.activity;
  const logger = root.child({
    activityId: a.id,
    activityType: a.type,
    conversationId: a.conversation?.id,
    tenantId:
      (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ??
      a.conversation?.tenantId,
  });
  context.turnState.set(KEY, logger);
  return logger;
}

export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  return context.turnState.get<Logger | undefined>(KEY) ?? fallback;
}
