// Microsoft Graph `POST /users/{id | userPrincipalName}/sendMail` ("user: sendMail"): JSON
// (`message` + `saveToSentItems`, one body: contentType text OR html) or MIME (`Content-Type:
// text/plain`, the whole message base64-encoded, which is how a client sends an HTML part and a
// plain-text part together). 202 Accepted with no body; application permission Mail.Send.
//
// Errors. Documented: 400 ErrorMimeContentInvalidBase64String "Invalid base64 string for MIME
// content." The rest are the answers Graph (Exchange Online) gives in practice, as quoted in
// public client code and bug reports, not on a doc page: 403 ErrorAccessDenied without Mail.Send;
// 404 ErrorInvalidUser for a sender the directory does not know; 404 MailboxNotEnabledForRESTAPI
// for a user without an Exchange Online mailbox; 400 ErrorInvalidRecipients for no or malformed
// recipients; 400 RequestBodyRead for unknown properties or enum values; 400 BadRequest for a
// body that is not JSON; 400 InvalidInternetMessageHeader for a custom header without `x-`.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { grantsOf, requireAnyRole, ROLES } from './app-roles.ts';
import type { EmulatorState, SentMail } from './emulator-state.ts';
import { callerOf, HttpError, type Route, type RouteContext } from './http-kit.ts';
import { decodeMimeBase64, MimeError, parseMime } from './mime-message.ts';

const recipient = z.object({
  emailAddress: z.object({ address: z.string(), name: z.string().optional() }),
});
const recipients = z.array(recipient).optional();

const messageSchema = z.strictObject({
  '@odata.type': z.string().optional(),
  subject: z.string().optional(),
  body: z.object({ contentType: z.string(), content: z.string() }).optional(),
  toRecipients: recipients,
  ccRecipients: recipients,
  bccRecipients: recipients,
  replyTo: recipients,
  from: recipient.optional(),
  sender: recipient.optional(),
  importance: z.enum(['low', 'normal', 'high', 'Low', 'Normal', 'High']).optional(),
  internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  attachments: z.array(z.looseObject({ '@odata.type': z.string() })).optional(),
  isDeliveryReceiptRequested: z.boolean().optional(),
  isReadReceiptRequested: z.boolean().optional(),
  flag: z.looseObject({}).optional(),
});

const sendMailSchema = z.strictObject({
  message: z.unknown().optional(),
  saveToSentItems: z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False'])]).optional(),
});

const unknownProperty = (name: string, type: string) =>
  new HttpError(
    400,
    'RequestBodyRead',
    `The property '${name}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );

const noRecipients = () =>
  new HttpError(
    400,
    'ErrorInvalidRecipients',
    "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
  );

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

function checkRecipients(addresses: string[]): void {
  if (addresses.length === 0) throw noRecipients();
  const bad = addresses.find((a) => !EMAIL.test(a));
  if (bad !== undefined) {
    throw new HttpError(
      400,
      'ErrorInvalidRecipients',
      `At least one recipient isn't valid., Recipient '${bad}' isn't resolved. All recipients must be resolved before a message can be submitted.`,
    );
  }
}

type Draft = Omit<SentMail, 'id' | 'sender' | 'sentDateTime'>;

function parseJsonMessage(text: string): Draft {
  if (text.trim() === '') {
    throw new HttpError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  const outer = sendMailSchema.safeParse(raw);
  if (!outer.success) {
    const extra = outer.error.issues.find((i) => i.code === 'unrecognized_keys');
    if (extra) throw unknownProperty(extra.keys[0] ?? '', 'microsoft.graph.sendMail');
    throw new HttpError(400, 'RequestBodyRead', 'The sendMail parameters are not valid.');
  }
  if (outer.data.message === undefined || outer.data.message === null) {
    throw new HttpError(400, 'ErrorInvalidRequest', "Required parameter 'message' is missing.");
  }
  const parsed = messageSchema.safeParse(outer.data.message);
  if (!parsed.success) {
    const extra = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
    if (extra) throw unknownProperty(extra.keys[0] ?? '', 'microsoft.graph.message');
    const issue = parsed.error.issues[0];
    throw new HttpError(
      400,
      'RequestBodyRead',
      `Invalid value for '${issue?.path.join('.') ?? 'message'}': ${issue?.message ?? 'invalid'}.`,
    );
  }
  const m = parsed.data;
  const addresses = (list: z.infer<typeof recipients>) =>
    (list ?? []).map((r) => r.emailAddress.address.trim());
  const to = addresses(m.toRecipients);
  const cc = addresses(m.ccRecipients);
  const bcc = addresses(m.bccRecipients);
  checkRecipients([...to, ...cc, ...bcc]);
  const contentType = (m.body?.contentType ?? 'text').toLowerCase();
  if (contentType !== 'text' && contentType !== 'html') {
    throw new HttpError(
      400,
      'RequestBodyRead',
      `Cannot convert the literal '${m.body?.contentType}' to the expected type 'microsoft.graph.bodyType'.`,
    );
  }
  const headers = m.internetMessageHeaders ?? [];
  const badHeader = headers.find((h) => !/^x-/i.test(h.name));
  if (badHeader) {
    throw new HttpError(
      400,
      'InvalidInternetMessageHeader',
      `The internet message header name '${badHeader.name}' should start with 'x-' or 'X-'.`,
    );
  }
  const content = m.body?.content ?? '';
  return {
    format: 'json',
    from: m.from?.emailAddress.address ?? null,
    toRecipients: to,
    ccRecipients: cc,
    bccRecipients: bcc,
    subject: m.subject ?? '',
    htmlBody: contentType === 'html' ? content : null,
    textBody: contentType === 'text' ? content : null,
    rawMime: null,
    internetMessageHeaders: headers,
    saveToSentItems: !/^false$/i.test(String(outer.data.saveToSentItems ?? true)),
  };
}

function parseMimeMessage(text: string): Draft {
  const decoded = decodeMimeBase64(text);
  if (decoded === null) {
    throw new HttpError(
      400,
      'ErrorMimeContentInvalidBase64String',
      'Invalid base64 string for MIME content.',
    );
  }
  let mime;
  try {
    mime = parseMime(decoded);
  } catch (err) {
    if (!(err instanceof MimeError)) throw err;
    throw new HttpError(
      400,
      'ErrorMimeContentInvalid',
      `The MIME content is invalid: ${err.message}`,
    );
  }
  checkRecipients([...mime.to, ...mime.cc, ...mime.bcc]);
  return {
    format: 'mime',
    from: mime.from,
    toRecipients: mime.to,
    ccRecipients: mime.cc,
    bccRecipients: mime.bcc,
    subject: mime.subject,
    htmlBody: mime.htmlBody,
    textBody: mime.textBody,
    rawMime: decoded,
    internetMessageHeaders: mime.headers.filter((h) => /^x-/i.test(h.name)),
    saveToSentItems: true,
  };
}

const isMime = (ctx: RouteContext) =>
  /^text\/plain\b/i.test(String(ctx.req.headers['content-type'] ?? ''));

export function graphSendMailRoutes(deps: { state: EmulatorState; now: () => Date }): Route[] {
  const { state, now } = deps;
  const sendMail: Route = {
    method: 'POST',
    pattern: '/graph/v1.0/users/{userId}/sendMail',
    area: 'graph',
    handle: async (ctx) => {
      requireAnyRole(grantsOf(state, ctx), ROLES.mailSend, 'exchange');
      const requested = ctx.params.userId ?? '';
      const tenant = state.requireTenant(callerOf(ctx).tenantId);
      const user = state.findUser(tenant.tenantId, requested);
      if (!user) {
        throw new HttpError(
          404,
          'ErrorInvalidUser',
          `The requested user '${requested}' is invalid.`,
        );
      }
      if (!user.mailboxEnabled || user.mail === null) {
        throw new HttpError(
          404,
          'MailboxNotEnabledForRESTAPI',
          'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
        );
      }
      const text = await ctx.readText();
      const draft = isMime(ctx) ? parseMimeMessage(text) : parseJsonMessage(text);
      tenant.sentMail.push({
        id: randomUUID(),
        sender: { id: user.id, userPrincipalName: user.userPrincipalName, mail: user.mail },
        sentDateTime: now().toISOString(),
        ...draft,
      });
      return { status: 202 };
    },
  };

  // App-only tokens have no signed-in user; Graph refuses /me for them.
  const me: Route = {
    method: 'POST',
    pattern: '/graph/v1.0/me/sendMail',
    area: 'graph',
    handle: () => {
      throw new HttpError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    },
  };
  return [sendMail, me];
}
