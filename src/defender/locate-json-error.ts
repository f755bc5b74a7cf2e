// Where a JSON text stops being valid, as line and column, and what kind of problem it is there,
// without any of the text itself. JSON.parse's message cannot be shown instead: on Node 20 it
// quotes the text around the error ("Unexpected token 's', "{"secret": s3cr…" is not valid
// JSON"), which in a configuration file can be part of a secret; and it gives no position at all
// for some errors. So this re-reads the text with a small JSON scanner (RFC 8259).

export interface JsonErrorLocation {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units as an editor counts them. */
  column: number;
  /** What was wrong there, in words that never quote the text. */
  problem: string;
}

class Stop extends Error {
  constructor(
    readonly at: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...lineAndColumn(text, error.at), problem: error.problem };
  }
}

function lineAndColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text[i] === '\n') {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

function scan(text: string): void {
  let i = 0;
  const unexpected = (what = 'unexpected character') =>
    i >= text.length ? new Stop(i, 'unexpected end of file') : new Stop(i, what);
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) throw unexpected();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) throw new Stop(i, 'unterminated string');
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return;
      }
      if (ch < 0x20) throw new Stop(i, 'control character in a string');
      if (ch === 0x5c) {
        const escape = text[i + 1];
        if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          i += 2;
        } else if (escape === 'u') {
          for (let k = 2; k < 6; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              throw new Stop(i + k, 'bad escape in a string');
            }
          }
          i += 6;
        } else {
          throw new Stop(i + 1, 'bad escape in a string');
        }
      } else {
        i++;
      }
    }
  };
  const digits = () => {
    const start = i;
    while (/[0-9]/.test(text[i] ?? '')) i++;
    if (i === start) throw unexpected('malformed number');
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (depth: number): void => {
    if (depth > 2_000) throw new Stop(i, 'nested too deeply');
    skipSpace();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') throw unexpected('expected a property name in double quotes');
        string();
        skipSpace();
        if (text[i] !== ':') throw unexpected("expected ':' after a property name");
        i++;
        value(depth + 1);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        throw unexpected("expected ',' or '}' after a property value");
      }
    }
    if (ch === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        throw unexpected("expected ',' or ']' after an array element");
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || /[0-9]/.test(ch ?? '')) return number();
    throw unexpected('expected a value');
  };
  value(0);
  skipSpace();
  if (i < text.length) throw new Stop(i, 'unexpected text after the end of the JSON value');
}
