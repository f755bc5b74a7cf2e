// Delivers email-target jobs (the email fallback) through each tenant's mailer (Graph sendMail).
// The job's rendered activity carries the message as one attachment of MAIL_CONTENT_TYPE; the
// mailer's refusals become the engine's failures: a missing Mail.Send permission or a sender
// without a mailbox parks the job and tells the tenant's admins (403, like a Teams refusal);
// throttling is retried after Retry-After; a refused recipient is kept as failed.
import type { DeliveryTarget, OutgoingActivity } from './delivery-job.ts';
import {
  MessengerError,
  type MessageLocation,
  type Messenger,
  type SendOptions,
} from './messenger.ts';

export const MAIL_CONTENT_TYPE = 'application/vnd.managed-response.mail+json';

/** The message an email job sends (built by the view's renderer). */
export interface MailContent {
  from: string;
  to: { address: string; name?: string };
  subject: string;
  text: string;
  html: string;
  /** Stable per job (without angle brackets): recorded as the delivery's activity id. */
  messageId: string;
}

export type MailerOutcome =
  | { kind: 'sent' }
  | { kind: 'permissionMissing'; permission: string; detail: string }
  | { kind: 'senderInvalid'; detail: string }
  | { kind: 'recipientInvalid'; detail: string }
  | { kind: 'throttled'; retryAfterSeconds: number | undefined };

export interface Mailer {
  sendMail(message: MailContent): Promise<MailerOutcome>;
}

export class MailMessenger implements Messenger {
  constructor(private readonly mailerFor: (tenantId: string) => Mailer | undefined) {}

  async send(
    target: DeliveryTarget,
    activity: OutgoingActivity,
    options: SendOptions = {},
  ): Promise<MessageLocation> {
    if (target.kind !== 'email') {
      throw new MessengerError('not an email target', { status: 400, code: 'NotEmail' });
    }
    const mail = activity.attachments?.find((a) => a.contentType === MAIL_CONTENT_TYPE)?.content as
      MailContent | undefined;
    if (!mail) {
      throw new MessengerError('the email job has no message', { status: 400, code: 'NoMail' });
    }
    const mailer = this.mailerFor(target.tenantId);
    if (!mailer) {
      throw new MessengerError('no mailer for this tenant', {
        status: 403,
        code: 'MailNotConfigured',
      });
    }
    if (options.signal?.aborted) {
      throw new MessengerError('stopping', { status: 0, code: 'Aborted' });
    }
    const outcome = await mailer.sendMail(mail).catch((err: unknown) => {
      throw new MessengerError('sending the email failed', { status: 503, cause: err });
    });
    switch (outcome.kind) {
      case 'sent':
        return { conversationId: `mailto:${mail.to.address}`, activityId: `<${mail.messageId}>` };
      case 'throttled':
        throw new MessengerError('Graph throttled sendMail', {
          status: 429,
          ...(outcome.retryAfterSeconds !== undefined
            ? { retryAfterSeconds: outcome.retryAfterSeconds }
            : {}),
        });
      case 'permissionMissing':
        throw new MessengerError(`sendMail refused: ${outcome.detail}`, {
          status: 403,
          code: 'MailPermissionMissing',
        });
      case 'senderInvalid':
        throw new MessengerError(
          `the sending mailbox ${mail.from} is not usable: ${outcome.detail}`,
          {
            status: 403,
            code: 'MailSenderInvalid',
          },
        );
      case 'recipientInvalid':
        throw new MessengerError(`recipient refused: ${outcome.detail}`, {
          status: 400,
          code: 'MailRecipientInvalid',
        });
    }
  }

  update(): Promise<void> {
    // An email cannot be edited: an update view for a mailbox is a mistake in the plan.
    return Promise.reject(
      new MessengerError('an email cannot be edited', { status: 400, code: 'NotEditable' }),
    );
  }
}

/** Email targets through `email`, every other target through `teams`. */
export function channelMessenger(teams: Messenger, email: Messenger): Messenger {
  const pick = (target: DeliveryTarget) => (target.kind === 'email' ? email : teams);
  return {
    send: (target, activity, options) => pick(target).send(target, activity, options),
    update: (target, conversationId, activityId, activity, options) =>
      pick(target).update(target, conversationId, activityId, activity, options),
  };
}
