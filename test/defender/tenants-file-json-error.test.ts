// A tenants file that is not JSON is reported by line and column, never with the text: Node's
// JSON.parse message quotes the text around the error, which can be part of a secret.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { locateJsonError } from '../../src/defender/locate-json-error.ts';
import { loadTenantsFile, TenantConfigError } from '../../src/defender/tenant-config.ts';

const SECRET = 'Zq8~sEcReT.vAlUe_4f2a9';

describe('tenants file that is not valid JSON', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tenants-json-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function messageFor(text: string): Promise<string> {
    const file = path.join(dir, 'tenants.json');
    await writeFile(file, text);
    try {
      await loadTenantsFile(file);
    } catch (error) {
      assert.ok(error instanceof TenantConfigError, String(error));
      return error.message;
    }
    return assert.fail('expected a TenantConfigError');
  }

  const broken: { name: string; text: string; line: number; column: number }[] = [
    {
      // JSON.parse: Unexpected token 'Z', "…"secretEnv": Zq8~sEcReT…" is not valid JSON
      name: 'an unquoted secret pasted as a value',
      text: `{\n  "tenants": [\n    { "secretEnv": ${SECRET} }\n  ]\n}\n`,
      line: 3,
      column: 20,
    },
    {
      name: 'a missing comma right after a secret-looking string',
      text: `{"tenants": [{"name": "${SECRET}" "tenantId": "x"}]}`,
      line: 1,
      column: 48,
    },
    {
      name: 'a trailing comma',
      text: `[\n  {"name": "${SECRET}",\n  }\n]`,
      line: 3,
      column: 3,
    },
    {
      name: 'text after the JSON value',
      text: `{"tenants": []}\n${SECRET}`,
      line: 2,
      column: 1,
    },
    { name: 'a truncated file', text: `{"tenants": [{"name": "${SECRET}"`, line: 1, column: 47 },
  ];

  for (const { name, text, line, column } of broken) {
    it(`names line and column, never the text: ${name}`, async () => {
      const message = await messageFor(text);
      assert.match(
        message,
        new RegExp(`^tenants\\.json: not valid JSON at line ${line}, column ${column} \\(`),
      );
      assert.doesNotMatch(message, /Zq8|sEcReT|vAlUe|4f2a9/);
      assert.equal(message.includes('"'), false, message);
    });
  }

  it('agrees with the position JSON.parse reports when it reports one', () => {
    const samples = [
      '{"a": "b" x}',
      '{"a": "line\nbreak"}',
      '"\\x"',
      '"\\u12g4"',
      '{"a":1}garbage',
      '{"a" 1}',
      '[1, 2',
      '{"a": -}',
      '{"a": 01}',
    ];
    for (const text of samples) {
      const position = positionFromParser(text);
      const located = locateJsonError(text);
      assert.ok(located, text);
      if (position === undefined) continue;
      const before = text.slice(0, position);
      const line = before.split('\n').length;
      const column = position - before.lastIndexOf('\n');
      assert.deepEqual([located.line, located.column], [line, column], text);
    }
  });

  it('finds nothing wrong with valid JSON', () => {
    for (const text of [
      '{}',
      '[]',
      ' {"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"]} ',
      '0',
    ]) {
      assert.doesNotThrow(() => JSON.parse(text));
      assert.equal(locateJsonError(text), undefined, text);
    }
  });
});

function positionFromParser(text: string): number | undefined {
  try {
    JSON.parse(text);
  } catch (error) {
    const match = /at position (\d+)/.exec((error as Error).message);
    return match ? Number(match[1]) : undefined;
  }
  return assert.fail(`${text} parsed`);
}
