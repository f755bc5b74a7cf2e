// Reads the MIME message that Graph sendMail accepts in MIME format ("user: sendMail", example 4:
// `Content-Type: text/plain` and the whole RFC 5322 / 2045 message base64-encoded in the body):
// headers (folded lines, RFC 2047 encoded words), addresses, and the first text/plain and
// text/html parts of a (nested) multipart message, with base64 or quoted-printable transfer
// encoding. Enough to show what a client sent; not a general MIME library.

export interface ParsedMime {
  headers: { name: string; value: string }[];
  from: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
}

export class MimeError extends Error {
  override name = 'MimeError';
}

/** Decodes Graph's base64 MIME body; null when it is not valid base64. */
export function decodeMimeBase64(body: string): string | null {
  const compact = body.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    return null;
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

interface Entity {
  headers: { name: string; value: string }[];
  body: string;
}

function splitEntity(text: string): Entity {
  const normalized = text.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers: { name: string; value: string }[] = [];
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return { headers, body };
}

const header = (entity: Entity, name: string): string | undefined =>
  entity.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

function parameter(value: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m?.[1] ?? m?.[2];
}

function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function charsetOf(contentType: string): BufferEncoding {
  const charset = (parameter(contentType, 'charset') ?? 'utf-8').toLowerCase();
  return charset === 'iso-8859-1' || charset === 'latin1' || charset === 'us-ascii'
    ? 'latin1'
    : 'utf8';
}

function decodeBody(entity: Entity): string {
  const encoding = (header(entity, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  const charset = charsetOf(header(entity, 'Content-Type') ?? 'text/plain');
  if (encoding === 'base64') {
    return Buffer.from(entity.body.replace(/\s+/g, ''), 'base64').toString(charset);
  }
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(entity.body).toString(charset);
  return entity.body;
}

/** RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?utf-8?Q?…?=`) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_all, charset: string, kind: string, data: string) => {
        const enc: BufferEncoding = /utf-?8/i.test(charset) ? 'utf8' : 'latin1';
        if (kind.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString(enc);
        return decodeQuotedPrintable(data.replace(/_/g, ' ')).toString(enc);
      },
    );
}

/** The addresses of an address-list header: `Name <a@b>, c@d` → [a@b, c@d]. */
export function addressesOf(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const part of value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const angle = /<([^>]+)>/.exec(part)?.[1];
    const address = (angle ?? part).trim();
    if (address !== '') out.push(address);
  }
  return out;
}

function collectBodies(entity: Entity, found: { text: string | null; html: string | null }): void {
  const contentType = header(entity, 'Content-Type') ?? 'text/plain';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = parameter(contentType, 'boundary');
    if (!boundary) throw new MimeError(`multipart entity without a boundary (${type}).`);
    const parts = entity.body.split(`--${boundary}`).slice(1);
    for (const raw of parts) {
      if (raw.startsWith('--')) break; // the closing delimiter
      // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
      collectBodies(splitEntity(raw.replace(/^\r?\n/, '').replace(/\r?\n$/, '')), found);
    }
    return;
  }
  const disposition = (header(entity, 'Content-Disposition') ?? '').toLowerCase();
  if (disposition.startsWith('attachment')) return;
  if (type === 'text/plain' && found.text === null) found.text = decodeBody(entity);
  if (type === 'text/html' && found.html === null) found.html = decodeBody(entity);
}

/** Parses a decoded MIME message; throws MimeError when it has no header block at all. */
export function parseMime(text: string): ParsedMime {
  const root = splitEntity(text);
  if (root.headers.length === 0) throw new MimeError('The MIME content has no headers.');
  const found = { text: null as string | null, html: null as string | null };
  collectBodies(root, found);
  const h = (name: string) => header(root, name);
  return {
    headers: root.headers.map(({ name, value }) => ({ name, value: decodeEncodedWords(value) })),
    from: addressesOf(h('From'))[0] ?? null,
    to: addressesOf(h('To')),
    cc: addressesOf(h('Cc')),
    bcc: addressesOf(h('Bcc')),
    subject: decodeEncodedWords(h('Subject') ?? ''),
    textBody: found.text,
    htmlBody: found.html,
  };
}
