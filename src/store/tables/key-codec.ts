// Order-preserving encoding of store keys into Azure Tables keys.
//
// Tables forbids / \ # ? and control characters in PartitionKey and RowKey, '%' and "'" break
// point operations on some services and SDKs, and how a service orders non-ASCII keys is not
// specified. So every key is written in a small ASCII alphabet whose order is the same in every
// collation, and the encoding keeps the order of the original keys (UTF-16 code unit order, the
// order of the port's `list`):
//
// - `-`, `0-9`, `A-Z`, `_`, `a-z` stand for themselves;
// - every other code unit u is a "leader" character followed by u in fixed-width upper-case hex.
//   Each leader sits, in ASCII, in the same gap between the literal characters as the code units
//   it escapes, so the escaped forms sort exactly where the units do:
//     `!` + 2 hex  for U+0000–U+002C   (space, punctuation before `-`)
//     `.` + 2 hex  for U+002E–U+002F   (`.` and `/`)
//     `:` + 2 hex  for U+003A–U+0040   (`:` `;` `<` `=` `>` `?` `@`)
//     `^` + 2 hex  for U+005B–U+005E   (`[` `\` `]` `^`)
//     `` ` `` + 2 hex for U+0060
//     `~` + 4 hex  for U+007B–U+FFFF   (`{` `|` `}` `~`, DEL and everything non-ASCII)
//   e.g. `2026-12-02T10:00:00.000Z|a1` → `2026-12-02T10:3A00:3A00.2E000Z~007Ca1`.
// The code is prefix-free, so prefixes map to prefixes (a `list` prefix is a RowKey range) and
// concatenations keep their order. `|` is never produced, so it separates the collection from
// the key in a RowKey; `~~` sorts after any encoded text, so it closes ranges.

interface Leader {
  char: string;
  from: number;
  to: number;
  width: number;
}

const LEADERS: readonly Leader[] = [
  { char: '!', from: 0x00, to: 0x2c, width: 2 },
  { char: '.', from: 0x2e, to: 0x2f, width: 2 },
  { char: ':', from: 0x3a, to: 0x40, width: 2 },
  { char: '^', from: 0x5b, to: 0x5e, width: 2 },
  { char: '`', from: 0x60, to: 0x60, width: 2 },
  { char: '~', from: 0x7b, to: 0xffff, width: 4 },
];

/** Between the collection and the key in a RowKey; never produced by encodeKey. */
export const KEY_SEPARATOR = '|';
/** Sorts after every encoded string that starts with the same text: the end of a range. */
export const RANGE_END = '~~';

const isLiteral = (unit: number) =>
  unit === 0x2d ||
  (unit >= 0x30 && unit <= 0x39) ||
  (unit >= 0x41 && unit <= 0x5a) ||
  unit === 0x5f ||
  (unit >= 0x61 && unit <= 0x7a);

const leaderOf = (unit: number): Leader => {
  const leader = LEADERS.find((l) => unit >= l.from && unit <= l.to);
  if (!leader) throw new Error(`No leader for U+${unit.toString(16)}`); // unreachable
  return leader;
};

const LEADER_BY_CHAR = new Map(LEADERS.map((l) => [l.char, l]));

export function encodeKey(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (isLiteral(unit)) out += text[i];
    else {
      const leader = leaderOf(unit);
      out += leader.char + unit.toString(16).toUpperCase().padStart(leader.width, '0');
    }
  }
  return out;
}

export function decodeKey(encoded: string): string {
  let out = '';
  for (let i = 0; i < encoded.length;) {
    const char = encoded[i]!;
    const leader = LEADER_BY_CHAR.get(char);
    if (!leader) {
      if (!isLiteral(char.charCodeAt(0))) throw new TypeError(`Not an encoded key: ${encoded}`);
      out += char;
      i += 1;
      continue;
    }
    const hex = encoded.slice(i + 1, i + 1 + leader.width);
    if (!/^[0-9A-F]+$/.test(hex) || hex.length !== leader.width) {
      throw new TypeError(`Not an encoded key: ${encoded}`);
    }
    out += String.fromCharCode(parseInt(hex, 16));
    i += 1 + leader.width;
  }
  return out;
}

/** RowKey of one record: encoded collection, separator, encoded key. */
export function rowKeyOf(collection: string, key: string): string {
  return `${encodeKey(collection)}${KEY_SEPARATOR}${encodeKey(key)}`;
}

/** The collection and key a RowKey was made from. */
export function parseRowKey(rowKey: string): { collection: string; key: string } {
  const at = rowKey.indexOf(KEY_SEPARATOR);
  if (at < 0) throw new TypeError(`Not a store RowKey: ${rowKey}`);
  return { collection: decodeKey(rowKey.slice(0, at)), key: decodeKey(rowKey.slice(at + 1)) };
}
