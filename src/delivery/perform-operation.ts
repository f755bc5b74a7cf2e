// One call to the messenger for one job: renders the job's view from the current state first
// (render), resolves message keys to the recorded messages (an update edits the card recorded
// under its key; a reply goes into the recorded thread), then calls the messenger.
import type { Logger } from '../platform/logger.ts';
import type { DeliveryJob, OutgoingActivity } from './delivery-job.ts';
import type { DeliveryStore } from './delivery-store.ts';
import { MessengerError, type MessageLocation, type Messenger } from './messenger.ts';

export interface PerformResult {
  location: MessageLocation;
  /** Record the location under this key once the call succeeded. */
  messageKey: string | undefined;
  /** Nothing was sent: the view had nothing to send any more (why). */
  skipped?: string;
}

/** What a view shows now: the activity to send, or nothing any more (why). */
export type Rendered =
  { kind: 'activity'; activity: OutgoingActivity } | { kind: 'skip'; reason: string };

/**
 * Renders a job's view (OutgoingActivity.view) from the current state. Undefined: this renderer
 * does not know the view; the activity stored with the job is sent as it is.
 */
export type RenderView = (job: DeliveryJob) => Promise<Rendered | undefined>;

export async function performOperation(
  job: DeliveryJob,
  messenger: Messenger,
  deliveries: DeliveryStore,
  logger: Logger,
  signal: AbortSignal,
  render?: RenderView,
): Promise<PerformResult> {
  const { target, operation } = job;
  const rendered = await renderActivity(job, render);
  if (rendered.kind === 'skip') {
    logger.info({ jobId: job.id, reason: rendered.reason }, 'nothing to send any more; skipped');
    return {
      location: { conversationId: '', activityId: '' },
      messageKey: undefined,
      skipped: rendered.reason,
    };
  }
  const activity = rendered.activity;
  if (operation.kind === 'update') {
    const existing = await deliveries.findMessage(operation.messageKey);
    if (existing) {
      const { conversationId, activityId } = existing;
      await messenger.update(target, conversationId, activityId, activity, { signal });
      return { location: { conversationId, activityId }, messageKey: operation.messageKey };
    }
    // The card was never delivered (or its record predates this store): the update is the card.
    logger.info(
      { jobId: job.id, messageKey: operation.messageKey },
      'nothing recorded under this message key yet; sending the update as a new message',
    );
    const location = await messenger.send(target, activity, { signal });
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
  const location = await messenger.send(target, activity, {
    signal,
    replyTo: root && { conversationId: root.conversationId, activityId: root.activityId },
  });
  return { location, messageKey: job.messageKey };
}

async function renderActivity(job: DeliveryJob, render: RenderView | undefined): Promise<Rendered> {
  const stored = job.operation.activity;
  if (!stored.view || !render) return { kind: 'activity', activity: stored };
  let rendered: Rendered | undefined;
  try {
    rendered = await render(job);
  } catch (err) {
    if (err instanceof MessengerError) throw err; // the renderer's own verdict (e.g. a 403)
    // The state could not be read right now (e.g. a store hiccup): a transient failure.
    throw new MessengerError(`rendering ${stored.view.kind} failed`, { status: 503, cause: err });
  }
  if (rendered) return rendered;
  if (stored.attachments || stored.text) return { kind: 'activity', activity: stored };
  throw new MessengerError(`no renderer for the view ${stored.view.kind}`, {
    status: 400,
    code: 'UnknownView',
  });
}
