// The RFC 5322 / 2045 message Graph sendMail accepts in MIME format (`Content-Type: text/plain`,
// the whole message base64-encoded): one multipart/alternative with a plain-text part and an HTML
// part, so every mail client shows one of them (clients pick the last part they can show: HTML).
// Graph's JSON message has a single body (text or html); MIME is how a client sends both.

export interface MimeInput {
  from: string;
  to: { address: string; name?: string };
  subject: string;
  text: string;
  html: string;
  /** Without angle brackets, e.g. "job-123@managed-response"; the same id each time it is sent. */
  messageId: string;
  date: Date;
  /** Extra headers; Graph keeps only custom `X-` headers. */
  headers?: Record<string, string>;
}

const CRLF = '\r\n';

/** RFC 2047 encoded word when the value is not plain ASCII. */
export function encodeHeaderValue(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ');

  if (/^[\x20-\x7e]*$/.test(flat)) return flat;
  return `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`;
}

function mailbox(address: string, name?: string): string {
  const clean = address.replace(/[\r\n<>]/g, '');
  if (!name) return clean;
  const encoded = encodeHeaderValue(name);
  const display = encoded === name ? `"${name.replace(/["\\]/g, '')}"` : encoded;
  return `${display} <${clean}>`;
}

function base64Lines(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return (b64.match(/.{1,76}/g) ?? []).join(CRLF);
}

/** The message as MIME text (CRLF line ends). */
export function buildMime(input: MimeInput): string {
  const boundary = `=_mrb_${Buffer.from(input.messageId).toString('hex').slice(0, 32)}`;
  const extra = Object.entries(input.headers ?? {}).map(
    ([name, value]) => `${name}: ${encodeHeaderValue(value)}`,
  );
  const head = [
    `From: ${mailbox(input.from)}`,
    `To: ${mailbox(input.to.address, input.to.name)}`,
    `Subject: ${encodeHeaderValue(input.subject)}`,
    `Date: ${input.date.toUTCString()}`,
    `Message-ID: <${input.messageId}>`,
    ...extra,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${type}; charset=utf-8`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(body),
    ].join(CRLF);
  return [
    ...head,
    '',
    'This is a multi-part message in MIME format.',
    part('text/plain', input.text),
    part('text/html', input.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
