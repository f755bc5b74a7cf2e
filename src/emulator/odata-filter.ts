// The subset of OData `$filter` that the emulated Graph and MDE lists are queried with:
// comparisons (eq ne gt ge lt le) of a property with a literal, `startswith` / `endswith` /
// `contains(prop,'text')`, `collection/any(x: x eq 'v')` on string collections (MDE's
// `machineTags`), joined by and / or / not and parentheses. Anything else is a clear error
// (answered as 400) rather than a silent match-all, so a client that builds a filter the real
// service would reject also fails here.

export type FieldKind = 'string' | 'datetime' | 'collection';

export type FilterField<T> =
  | { kind: 'string' | 'datetime'; get(item: T): string | null | undefined }
  | { kind: 'collection'; get(item: T): readonly string[] };

export interface FilterOptions {
  /** MDE matches property names case-insensitively (its docs spell `ComputerDnsName`, `LastSeen`). */
  caseInsensitiveNames?: boolean;
}

export type FilterFields<T> = Record<string, FilterField<T>>;

export class ODataQueryError extends Error {
  override name = 'ODataQueryError';
}

type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
const operators: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

type Literal = { type: 'string'; value: string } | { type: 'bare'; value: string };

interface Token {
  kind: 'word' | 'string' | '(' | ')' | ',';
  value: string;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, value: ch });
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new ODataQueryError('Unterminated string literal in $filter.');
        if (input[i] === "'" && input[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (input[i] === "'") {
          i++;
          break;
        } else {
          value += input[i];
          i++;
        }
      }
      tokens.push({ kind: 'string', value });
    } else {
      const m = /^[A-Za-z0-9_.:+\-/]+/.exec(input.slice(i));
      if (!m) throw new ODataQueryError(`Syntax error at position ${i} in $filter.`);
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

type Predicate<T> = (item: T) => boolean;

const stringFunctions: Record<string, (value: string, text: string) => boolean> = {
  startswith: (value, text) => value.startsWith(text),
  endswith: (value, text) => value.endsWith(text),
  contains: (value, text) => value.includes(text),
};

/** Compiles `expression` against the allowed `fields`; throws ODataQueryError when invalid. */
export function compileFilter<T>(
  expression: string,
  fields: FilterFields<T>,
  options: FilterOptions = {},
): Predicate<T> {
  const tokens = tokenize(expression);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'word' ? t.value.toLowerCase() : undefined;
  };
  const fieldNamed = (name: string): FilterField<T> => {
    const key = options.caseInsensitiveNames
      ? Object.keys(fields).find((k) => k.toLowerCase() === name.toLowerCase())
      : Object.hasOwn(fields, name)
        ? name
        : undefined;
    const field = key === undefined ? undefined : fields[key];
    if (!field)
      throw new ODataQueryError(`Could not find a property named '${name}' to filter on.`);
    return field;
  };
  const expect = (kind: Token['kind'], what: string): Token => {
    const t = tokens[pos];
    if (t?.kind !== kind) throw new ODataQueryError(`Expected ${what} in $filter.`);
    pos++;
    return t;
  };

  const parseOr = (): Predicate<T> => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      pos++;
      const l = left;
      const r = parseAnd();
      left = (item) => l(item) || r(item);
    }
    return left;
  };
  const parseAnd = (): Predicate<T> => {
    let left = parseUnary();
    while (peekWord() === 'and') {
      pos++;
      const l = left;
      const r = parseUnary();
      left = (item) => l(item) && r(item);
    }
    return left;
  };
  const parseUnary = (): Predicate<T> => {
    if (peekWord() === 'not') {
      pos++;
      const inner = parseUnary();
      return (item) => !inner(item);
    }
    if (tokens[pos]?.kind === '(') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== ')') throw new ODataQueryError('Missing ) in $filter.');
      pos++;
      return inner;
    }
    const word = peekWord();
    if (word !== undefined && tokens[pos + 1]?.kind === '(') {
      if (Object.hasOwn(stringFunctions, word)) return parseFunction(word);
      if (word.endsWith('/any')) return parseAny();
    }
    return parseComparison();
  };
  /** `startswith(prop,'text')` and its siblings, case-insensitive like the comparisons. */
  const parseFunction = (name: string): Predicate<T> => {
    pos += 2; // name (
    const prop = expect('word', 'a property name');
    expect(',', "','");
    const text = expect('string', 'a quoted string');
    expect(')', "')'");
    const field = fieldNamed(prop.value);
    if (field.kind !== 'string') {
      throw new ODataQueryError(`${name}() needs a string property, not '${prop.value}'.`);
    }
    const test = stringFunctions[name]!;
    const wanted = text.value.toLowerCase();
    return (item) => {
      const value = field.get(item);
      return value != null && test(value.toLowerCase(), wanted);
    };
  };
  /** `collection/any(x: x eq 'v')` (also written `any(x:x eq 'v')`). */
  const parseAny = (): Predicate<T> => {
    const head = tokens[pos]!.value;
    pos += 2; // collection/any (
    const field = fieldNamed(head.slice(0, -'/any'.length));
    if (field.kind !== 'collection') {
      throw new ODataQueryError(`'${head}' needs a collection property.`);
    }
    const binding = expect('word', 'a lambda variable').value;
    const m = /^([A-Za-z_]\w*):(\w*)$/.exec(binding);
    if (!m) throw new ODataQueryError(`Expected "variable: expression" in '${head}(…)'.`);
    const variable = m[1]!;
    const subject = m[2] === '' ? expect('word', 'the lambda variable').value : m[2]!;
    if (subject !== variable) {
      throw new ODataQueryError(`Expected the lambda variable '${variable}', found '${subject}'.`);
    }
    const op = expect('word', 'an operator').value.toLowerCase();
    if (!operators.includes(op))
      throw new ODataQueryError(`Unsupported operator '${op}' in $filter.`);
    const literal = expect('string', 'a quoted string').value.toLowerCase();
    expect(')', "')'");
    return (item) =>
      field.get(item).some((value) => compare(value.toLowerCase(), literal, op as Operator));
  };
  const parseComparison = (): Predicate<T> => {
    const prop = tokens[pos];
    const op = tokens[pos + 1];
    const lit = tokens[pos + 2];
    if (
      prop?.kind !== 'word' ||
      op?.kind !== 'word' ||
      !lit ||
      !['word', 'string'].includes(lit.kind)
    ) {
      throw new ODataQueryError(`Expected "<property> <operator> <value>" in $filter.`);
    }
    pos += 3;
    const field = fieldNamed(prop.value);
    const operator = op.value.toLowerCase();
    if (!operators.includes(operator)) {
      throw new ODataQueryError(`Unsupported operator '${op.value}' in $filter.`);
    }
    if (field.kind === 'collection') {
      throw new ODataQueryError(`Use '${prop.value}/any(…)' to filter on a collection.`);
    }
    const literal: Literal =
      lit.kind === 'string'
        ? { type: 'string', value: lit.value }
        : { type: 'bare', value: lit.value };
    return comparison(field, operator as Operator, literal);
  };

  const predicate = parseOr();
  if (pos !== tokens.length) throw new ODataQueryError('Unexpected text at the end of $filter.');
  return predicate;
}

type ScalarField<T> = Extract<FilterField<T>, { kind: 'string' | 'datetime' }>;

function comparison<T>(field: ScalarField<T>, op: Operator, literal: Literal): Predicate<T> {
  if (literal.type === 'bare' && literal.value.toLowerCase() === 'null') {
    if (op !== 'eq' && op !== 'ne') throw new ODataQueryError(`Cannot compare null with '${op}'.`);
    return (item) => (field.get(item) == null) === (op === 'eq');
  }
  if (field.kind === 'datetime') {
    const target = Date.parse(literal.value);
    if (!/^\d{4}-\d{2}-\d{2}/.test(literal.value) || Number.isNaN(target)) {
      throw new ODataQueryError(`'${literal.value}' is not a valid DateTimeOffset.`);
    }
    return (item) => {
      const raw = field.get(item);
      if (raw == null) return op === 'ne';
      return compare(Date.parse(raw), target, op);
    };
  }
  if (literal.type !== 'string') {
    throw new ODataQueryError(`String values in $filter must be quoted: '${literal.value}'.`);
  }
  // Graph and MDE compare string and enum values case-insensitively.
  const target = literal.value.toLowerCase();
  return (item) => {
    const raw = field.get(item);
    if (raw == null) return op === 'ne';
    return compare(raw.toLowerCase(), target, op);
  };
}

function compare<V extends string | number>(a: V, b: V, op: Operator): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}

/** Parses `$top`/`$skip`: a non-negative integer, or the default when absent. */
export function parseCount(raw: string | null, name: string, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ODataQueryError(`Invalid value '${raw}' for ${name}.`);
  return Number(raw.trim());
}
