// Partition and collection names become folder names: any string must map to a distinct name that
// every file system accepts. Lower-case letters, digits, '_' and '-' stay as they are (tenant
// GUIDs and '_service' stay readable); an upper-case letter becomes '^' and the letter, so names
// differing in case stay apart on case-insensitive file systems; anything else becomes '~' and
// the hex of its UTF-8 bytes ('~u' and four hex digits for a lone surrogate, which UTF-8 cannot
// hold). No encoded name contains a '.', so none can clash with the store's own files
// (journal-1.jsonl, store.lock) or be '.' or '..'.
const MAX_ENCODED_LENGTH = 200;
const plain = /^[a-z0-9_-]$/;

export function encodeName(name: string): string {
  let encoded = '';
  for (const char of name) {
    if (plain.test(char)) encoded += char;
    else if (/^[A-Z]$/.test(char)) encoded += `^${char.toLowerCase()}`;
    else if (char.length === 1 && /[\uD800-\uDFFF]/.test(char)) {
      encoded += `~u${char.charCodeAt(0).toString(16)}`;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) {
        encoded += `~${byte.toString(16).padStart(2, '0')}`;
      }
    }
  }
  return encoded;
}

/** The folder name for a partition or collection, or a TypeError if it cannot have one. */
export function folderName(what: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`A ${what} is a non-empty string`);
  }
  const encoded = encodeName(name);
  if (encoded.length > MAX_ENCODED_LENGTH) {
    throw new TypeError(`The ${what} "${name.slice(0, 40)}…" is too long to name a folder`);
  }
  return encoded;
}

/** The name a folder stands for, or undefined if encodeName cannot have made it. */
export function decodeName(encoded: string): string | undefined {
  let name = '';
  let bytes: number[] = [];
  const flush = (text = '') => {
    name += Buffer.from(bytes).toString('utf8') + text;
    bytes = [];
  };
  for (let i = 0; i < encoded.length;) {
    const rest = encoded.slice(i);
    const surrogate = /^~u([0-9a-f]{4})/.exec(rest);
    const byte = /^~([0-9a-f]{2})/.exec(rest);
    const upper = /^\^([a-z])/.exec(rest);
    if (surrogate) flush(String.fromCharCode(parseInt(surrogate[1]!, 16)));
    else if (byte) bytes.push(parseInt(byte[1]!, 16));
    else if (upper) flush(upper[1]!.toUpperCase());
    else if (plain.test(rest[0]!)) flush(rest[0]);
    else return undefined;
    i += (surrogate ?? byte ?? upper)?.[0].length ?? 1;
  }
  flush();
  return name !== '' && encodeName(name) === encoded ? name : undefined;
}
