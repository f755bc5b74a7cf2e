// What may cross between a customer and the experts: text with basic formatting. Mentions of the
// bot are removed, other mentions become plain names (a mention cannot reach into another tenant),
// HTML is cut down to formatting tags, and files, images and cards are refused, as is a message
// over the size limit. Pure functions: the relay decides what to tell the sender.

/** Characters after clean-up; Teams' own limit is ~28 KB per message, with room for attribution. */
export const MAX_CHAT_CHARS = 4_000;

export interface IncomingAttachment {
  contentType: string;
  name?: string;
}

export type PreparedText =
  | { ok: true; text: string }
  | { ok: false; code: 'attachment'; names: string[] }
  | { ok: false; code: 'tooLong'; length: number; max: number }
  | { ok: false; code: 'empty' };

// Formatting Teams renders in a bot's message; everything else is dropped (its text is kept).
const FORMAT_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'strike',
  'del',
  'code',
  'pre',
  'br',
  'p',
  'div',
  'span',
  'ul',
  'ol',
  'li',
  'blockquote',
  'a',
  'h1',
  'h2',
  'h3',
]);
// Dropped with their content.
const DROPPED_WITH_CONTENT = /<(script|style|iframe|object|embed|template)\b[\s\S]*?<\/\1\s*>/gi;

/**
 * Cleans the text of a message and checks what may cross. `botNames` are the bot's display names
 * as they appear in `<at>` tags (Teams puts one in every channel message to the bot).
 */
export function prepareChatText(
  rawText: string,
  attachments: readonly IncomingAttachment[],
  options: { botNames?: readonly string[]; maxChars?: number } = {},
): PreparedText {
  // Teams adds a text/html rendition of the message itself; that is not a file.
  const files = attachments.filter((a) => a.contentType.toLowerCase() !== 'text/html');
  if (files.length > 0 || /<img\b/i.test(rawText)) {
    return { ok: false, code: 'attachment', names: files.map(attachmentName) };
  }
  const text = sanitize(stripMentions(rawText, options.botNames ?? []));
  if (!text) return { ok: false, code: 'empty' };
  const max = options.maxChars ?? MAX_CHAT_CHARS;
  if (text.length > max) return { ok: false, code: 'tooLong', length: text.length, max };
  return { ok: true, text };
}

export function stripMentions(text: string, botNames: readonly string[]): string {
  const bots = new Set(botNames.map((n) => n.trim().toLowerCase()));
  return text.replace(/<at\b[^>]*>([\s\S]*?)<\/at>/gi, (_whole, name: string) =>
    bots.has(name.trim().toLowerCase()) ? '' : name.trim(),
  );
}

export function sanitize(html: string): string {
  const cleaned = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(DROPPED_WITH_CONTENT, '')
    .replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g, (tag, rawName: string, attrs: string) => {
      const name = rawName.toLowerCase();
      if (!FORMAT_TAGS.has(name)) return '';
      if (tag.startsWith('</')) return `</${name}>`;
      if (name === 'a') {
        const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs);
        const url = href?.[2] ?? href?.[3] ?? '';
        return /^(https?:|mailto:)/i.test(url)
          ? `<a href="${url.replace(/"/g, '&quot;')}">`
          : '<a>';
      }
      return name === 'br' ? '<br>' : `<${name}>`;
    });
  return cleaned.replace(/^(\s|&nbsp;|<br>)+|(\s|&nbsp;|<br>)+$/g, '');
}

function attachmentName(attachment: IncomingAttachment): string {
  if (attachment.name) return attachment.name;
  const type = attachment.contentType.toLowerCase();
  if (type.startsWith('image/')) return 'an image';
  if (type.includes('card')) return 'a card';
  return 'a file';
}
