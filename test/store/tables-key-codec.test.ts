import assert from 'node:assert/strict';
import {
  KEY_SEPARATOR,
  RANGE_END,
  decodeKey,
  encodeKey,
  parseRowKey,
  rowKeyOf,
} from '../../src/store/tables/key-codec.ts';

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys mixing the characters that matter: every ASCII unit, Latin-1, BMP, surrogate halves. */
function randomKey(next: () => number): string {
  const pools = [
    () => 0x20 + Math.floor(next() * 95),
    () => Math.floor(next() * 0x80),
    () => 0x80 + Math.floor(next() * 0x180),
    () => Math.floor(next() * 0x10000),
    () => [0x2d, 0x2e, 0x2f, 0x3a, 0x40, 0x5f, 0x60, 0x7b, 0x7c, 0x7e][Math.floor(next() * 10)]!,
  ];
  const length = Math.floor(next() * 12);
  let key = '';
  for (let i = 0; i < length; i += 1) {
    key += String.fromCharCode(pools[Math.floor(next() * pools.length)]!());
  }
  return key;
}

describe('Azure Tables key encoding', () => {
  it('keeps letters, digits, - and _ as they are and escapes everything else', () => {
    assert.equal(encodeKey('Incident-42_a'), 'Incident-42_a');
    assert.equal(encodeKey('2026-12-02T10:00:00.000Z|a1'), '2026-12-02T10:3A00:3A00.2E000Z~007Ca1');
    assert.equal(encodeKey('a b/c#d?e\\f'), 'a!20b.2Fc!23d:3Fe^5Cf');
    assert.equal(encodeKey('🛡️'), '~D83D~DEE1~FE0F');
  });

  it('writes only characters Azure Tables keys allow and URLs keep intact', () => {
    const next = random(7);
    for (let i = 0; i < 2_000; i += 1) {
      const encoded = encodeKey(randomKey(next));
      assert.match(encoded, /^[-0-9A-Za-z_!.:^`~]*$/);
      assert.ok(!encoded.includes(KEY_SEPARATOR));
    }
  });

  it('decodes what it encodes', () => {
    const next = random(11);
    for (let i = 0; i < 2_000; i += 1) {
      const key = randomKey(next);
      assert.equal(decodeKey(encodeKey(key)), key);
    }
    assert.deepEqual(parseRowKey(rowKeyOf('audit|log', 'a|b')), {
      collection: 'audit|log',
      key: 'a|b',
    });
    assert.throws(() => decodeKey('a:3'), TypeError);
    assert.throws(() => decodeKey('a|b'), TypeError);
  });

  it('keeps the UTF-16 code unit order of the original keys', () => {
    const next = random(3);
    const keys = Array.from({ length: 3_000 }, () => randomKey(next));
    keys.push(
      '',
      'a',
      'a ',
      'a-',
      'a.',
      'a/',
      'a0',
      'a:',
      'a@',
      'aA',
      'a[',
      'a_',
      'a`',
      'az',
      'a{',
    );
    keys.push('a~', 'a\u007f', 'a\u00e9', 'a\uffff', 'a\ud83d\ude00', 'a\ud7ff');
    const byOriginal = [...new Set(keys)].sort(byCodeUnits);
    const byEncoded = [...new Set(keys)].sort((a, b) => byCodeUnits(encodeKey(a), encodeKey(b)));
    assert.deepEqual(byEncoded, byOriginal);
  });

  it('maps prefixes to prefixes, and RANGE_END closes every range', () => {
    const next = random(5);
    for (let i = 0; i < 2_000; i += 1) {
      const key = randomKey(next);
      const other = randomKey(next);
      const prefix = key.slice(0, Math.floor(next() * (key.length + 1)));
      assert.ok(encodeKey(key).startsWith(encodeKey(prefix)));
      assert.equal(
        encodeKey(other).startsWith(encodeKey(prefix)),
        other.startsWith(prefix),
        `${JSON.stringify(other)} / ${JSON.stringify(prefix)}`,
      );
      assert.ok(encodeKey(key) < encodeKey(prefix) + RANGE_END);
    }
  });

  it('keeps collections apart in a RowKey even when one name starts with another', () => {
    const audit = rowKeyOf('audit', 'zzz');
    const audits = rowKeyOf('audits', '');
    const base = encodeKey('audit') + KEY_SEPARATOR;
    assert.ok(audit >= base && audit < base + RANGE_END);
    assert.ok(!(audits >= base && audits < base + RANGE_END));
  });
});
