// Microsoft Graph mail for the email fallback: `POST /users/{sender}/sendMail` from the mailbox
// the service sends from (application permission Mail.Send), the message in MIME format so it
// carries both a plain-text and an HTML part (mime-builder.ts); and the contact's address,
// `GET /users/{id}?$select=mail` (User.Read.All), when the tenants file does not give it.
// Graph's documented refusals become outcomes the caller acts on; throttling too.
import { z } from 'zod';
import type { DefenderHttpClient } from './defender-http-client.ts';
import { DefenderAuthError, DefenderRequestError, DefenderThrottledError } from './errors.ts';
import { buildMime, type MimeInput } from './mime-builder.ts';

export const MAIL_PERMISSION = 'Mail.Send';
export const USER_READ_PERMISSION = 'User.Read.All';

export type SendMailOutcome =
  | { kind: 'sent' }
  | { kind: 'permissionMissing'; permission: string; detail: string }
  /** The sender is unknown, or has no Exchange Online mailbox. */
  | { kind: 'senderInvalid'; detail: string }
  | { kind: 'recipientInvalid'; detail: string }
  | { kind: 'throttled'; retryAfterSeconds: number | undefined };

export type MailAddressOutcome =
  | { kind: 'found'; address: string | null }
  | { kind: 'userNotFound' }
  | { kind: 'permissionMissing'; permission: string };

const userSchema = z.looseObject({ mail: z.string().nullable().optional() });

export class GraphMailClient {
  constructor(private readonly graph: Pick<DefenderHttpClient, 'send'>) {}

  async sendMail(message: Omit<MimeInput, 'date'> & { date?: Date }): Promise<SendMailOutcome> {
    const mime = buildMime({ ...message, date: message.date ?? new Date() });
    try {
      await this.graph.send({
        method: 'POST',
        path: `/v1.0/users/${encodeURIComponent(message.from)}/sendMail`,
        rawBody: { contentType: 'text/plain', text: Buffer.from(mime, 'utf8').toString('base64') },
        schema: z.unknown(),
        permission: MAIL_PERMISSION,
        // A timeout may still have sent it: only answers that prove it was not are retried.
        idempotent: false,
      });
      return { kind: 'sent' };
    } catch (error) {
      if (error instanceof DefenderThrottledError) {
        return { kind: 'throttled', retryAfterSeconds: error.retryAfterSeconds };
      }
      if (error instanceof DefenderAuthError && error.status === 403) {
        return {
          kind: 'permissionMissing',
          permission: MAIL_PERMISSION,
          detail: error.serviceMessage ?? error.message,
        };
      }
      if (error instanceof DefenderRequestError && error.status === 404) {
        return { kind: 'senderInvalid', detail: error.message };
      }
      if (error instanceof DefenderRequestError && /Recipient/i.test(error.code)) {
        return { kind: 'recipientInvalid', detail: error.message };
      }
      throw error;
    }
  }

  async mailAddress(userId: string): Promise<MailAddressOutcome> {
    try {
      const user = await this.graph.send({
        method: 'GET',
        path: `/v1.0/users/${encodeURIComponent(userId)}`,
        query: { $select: 'mail' },
        schema: userSchema,
        permission: USER_READ_PERMISSION,
      });
      return { kind: 'found', address: user.mail ?? null };
    } catch (error) {
      if (error instanceof DefenderAuthError && error.status === 403) {
        return { kind: 'permissionMissing', permission: USER_READ_PERMISSION };
      }
      if (error instanceof DefenderRequestError && error.status === 404) {
        return { kind: 'userNotFound' };
      }
      throw error;
    }
  }
}
