// One call to the messenger for one job: resolves message keys to the recorded messages first
// (an update edits the card recorded under its key; a reply goes into the recorded thread).
import type { Logger } from '../platform/logger.ts';
import type { DeliveryJob } from './delivery-job.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { MessageLocation, Messenger } from './messenger.ts';

export interface PerformResult {
  location: MessageLocation;
  /** Record the location under this key once the call succeeded. */
  messageKey: string | undefined;
}

export async function performOperation(
  job: DeliveryJob,
  messenger: Messenger,
  deliveries: DeliveryStore,
  logger: Logger,
  signal: AbortSignal,
): Promise<PerformResult> {
  const { target, operation } = job;
  if (operation.kind === 'update') {
    const existing = await deliveries.findMessage(operation.messageKey);
    if (existing) {
      const { conversationId, activityId } = existing;
      await messenger.update(target, conversationId, activityId, operation.activity, { signal });
      return { location: { conversationId, activityId }, messageKey: operation.messageKey };
    }
    // The card was never delivered (or its record predates this store): the update is the card.
    logger.info(
      { jobId: job.id, messageKey: operation.messageKey },
      'nothing recorded under this message key yet; sending the update as a new message',
    );
    const location = await messenger.send(target, operation.activity, { signal });
    return { location, messageKey: operation.messageKey };
  }
  const rootKey = operation.replyToMessageKey;
  const root = rootKey ? await deliveries.findMessage(rootKey) : undefined;
  if (rootKey && !root) {
    // Waiting would hold every later job of this ordering key for a root that may never come.
    logger.warn(
      { jobId: job.id, replyToMessageKey: rootKey },
      'the thread root was never delivered; posting the reply as a new message',
    );
  }
  const location = await messenger.send(target, operation.activity, {
    signal,
    replyTo: root && { conversationId: root.conversationId, activityId: root.activityId },
  });
  return { location, messageKey: job.messageKey };
}
