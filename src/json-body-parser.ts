// Request bodies: JSON only, size-checked before anything reads them, parsed in memory. This
// runs before any route handler, so before authentication: what it refuses costs no disk and at
// most `limit` bytes of memory. restify's bodyParser is not used because it hands multipart
// bodies to formidable, which writes them to the temp folder before any check (issue 14).
import type { Request, Response } from 'restify';

export interface JsonBodyOptions {
  /** Largest accepted body in bytes for a request path. */
  limitFor(path: string): number;
}

type Next = (err?: false) => void;

// Bot Framework sends `application/json; charset=utf-8`; JSON has no other charset (RFC 8259).
const jsonType = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** restify `server.use` handler: sets `req.body` to the parsed JSON, or undefined when empty. */
export function jsonBodyParser(options: JsonBodyOptions) {
  return (req: Request, res: Response, next: Next): void => {
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && (length === undefined || length === '0')) {
      req.body = undefined;
      next();
      return;
    }
    const type = req.headers['content-type'] ?? '';
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (!jsonType.test(type.trim()) || encoding !== 'identity') {
      refuse(res, 415, 'UnsupportedMediaType', 'Send the body as application/json (UTF-8).');
      next(false);
      return;
    }
    const limit = options.limitFor(req.path());
    const declared = Number(length);
    if (length !== undefined && !(Number.isSafeInteger(declared) && declared >= 0)) {
      refuse(res, 400, 'BadRequest', 'Content-Length is not a number of bytes.');
      next(false);
      return;
    }
    if (declared > limit) {
      refuse(res, 413, 'PayloadTooLarge', `The body is larger than ${limit} bytes.`);
      next(false);
      return;
    }
    readLimited(req, limit).then(
      (text) => {
        if (text === undefined) {
          refuse(res, 413, 'PayloadTooLarge', `The body is larger than ${limit} bytes.`);
          next(false);
          return;
        }
        try {
          req.body = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          // Not the parser's message: it quotes the body.
          refuse(res, 400, 'BadRequest', 'The body is not valid JSON.');
          next(false);
          return;
        }
        next();
      },
      () => {
        // The client went away mid-body; nobody is left to answer.
        next(false);
      },
    );
  };
}

/** The body as UTF-8 text, or undefined once it grows past `limit` (the rest is discarded). */
function readLimited(req: Request, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.send(status, { error: { code, message } });
}
