// A small seeded generator (mulberry32) and the value shapes the fuzz test draws from: the same
// seed gives the same requests, so a failure is reproduced with FUZZ_SEED=<seed>.

export class SeededRandom {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** [0, 1) */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Printable ASCII (header values). */
  ascii(maxLength = 40): string {
    return Array.from({ length: this.int(1, maxLength) }, () =>
      String.fromCharCode(this.int(0x21, 0x7e)),
    ).join('');
  }

  /** A GUID-shaped string (tenant and object ids). */
  guid(): string {
    const hex = () => this.int(0, 15).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-8${part(3)}-${part(12)}`;
  }

  /** Text with the characters that break parsers: quotes, markup, controls, surrogates, RTL. */
  text(maxLength = 40): string {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      "'",
      '\\',
      '<',
      '>',
      '&',
      '{',
      '}',
      '[',
      ']',
      ':',
      ';',
      '/',
      '%',
      '$',
      '@',
      '#',
      '\n',
      '\t',
      '\u0000',
      '\u202e',
      '\u00e9',
      '\u{1f600}',
      '\ud800',
      '*',
      '_',
      '~',
      '|',
      '`',
      '=',
      '+',
      '-',
      '.',
      ',',
    ];
    let out = '';
    const length = this.int(0, maxLength);
    for (let i = 0; i < length; i++) out += this.pick(alphabet);
    return out;
  }

  /** Any JSON value, nested up to `depth`. */
  json(depth = 3): unknown {
    const kind = this.int(0, depth > 0 ? 9 : 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 3.14, Number.MAX_SAFE_INTEGER]);
      case 3:
      case 4:
        return this.text();
      case 5:
        return this.pick(['', '__proto__', 'constructor', 'null', 'undefined', '2972403', 'a1']);
      case 6:
        return this.text(200);
      case 7:
      case 8: {
        const out: Record<string, unknown> = {};
        for (let i = this.int(0, 5); i > 0; i--) {
          out[this.pick(['id', 'type', '__proto__', 'constructor', this.text(8)])] = this.json(
            depth - 1,
          );
        }
        return out;
      }
      default:
        return Array.from({ length: this.int(0, 5) }, () => this.json(depth - 1));
    }
  }
}
