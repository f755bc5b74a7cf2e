// The layering is enforced by eslint.config.js (no-restricted-imports per folder). These cases
// run the project's real ESLint configuration on small in-memory files placed in each layer, so
// that a rule which stops matching (a moved folder, a broken pattern) fails here, not silently.
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

// Only the boundary rule runs, so the files need no type information.
const eslint = new ESLint({
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

async function restricted(filePath: string, specifier: string): Promise<string[]> {
  const code = `import type { Anything } from '${specifier}';\nexport type Probe = Anything;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result, 'ESLint linted the file');
  const fatal = result.messages.find((m) => m.fatal);
  assert.equal(fatal, undefined, fatal?.message);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const violations: [file: string, specifier: string, why: RegExp][] = [
  ['src/domain/probe.ts', 'botbuilder', /src\/domain\/ imports nothing/],
  ['src/domain/probe.ts', '../platform/clock.ts', /src\/domain\/ imports nothing/],
  ['src/domain/report/probe.ts', '../../platform/clock.ts', /src\/domain\/ imports nothing/],
  ['src/domain/report/probe.ts', 'botbuilder', /src\/domain\/ imports nothing/],
  ['src/features/chat/probe.ts', 'botbuilder', /botbuilder is imported only in bot\//],
  ['src/features/chat/probe.ts', '../notifications/plan-notifications.ts', /another feature/],
  ['src/features/managed-response/probe.ts', '../../features/chat/index.ts', /another feature/],
  ['src/features/tenants/probe.ts', '../../app/build-app.ts', /composition root/],
  ['src/shared/probe.ts', '../../bot/teams-turn.ts', /no import runs back up/],
  ['src/shared/probe.ts', '../features/chat/index.ts', /nothing below them imports them/],
  ['src/delivery/probe.ts', '../shared/delivery.ts', /src\/shared\/ sits above/],
  ['src/watcher/probe.ts', '../../test/fakes/memory-store.ts', /no import runs back up/],
  ['src/platform/probe.ts', '../domain/tenant.ts', /bottom kit/],
  ['cards/probe.ts', '../src/platform/logger.ts', /cards\/ imports only/],
  ['cards/probe.ts', 'botbuilder', /botbuilder is imported only/],
  ['bot/probe.ts', '../src/features/chat/index.ts', /only through src\/app\/feature.ts/],
];

const allowed: [file: string, specifier: string][] = [
  ['src/app/build-app.ts', '../../bot/create-bot.ts'],
  ['src/app/build-app.ts', 'botbuilder'],
  ['src/features/chat/probe.ts', './chat-jobs.ts'],
  ['src/features/chat/probe.ts', '../../app/feature.ts'],
  ['src/features/chat/probe.ts', '../../shared/delivery.ts'],
  ['src/features/chat/probe.ts', '../../../cards/chat-header.ts'],
  ['src/shared/probe.ts', '../../cards/card-text.ts'],
  ['bot/probe.ts', 'botbuilder'],
  ['bot/probe.ts', '../src/app/feature.ts'],
  ['cards/probe.ts', '../src/domain/incident.ts'],
  ['src/domain/probe.ts', './incident.ts'],
  ['src/domain/report/probe.ts', '../incident.ts'],
];

describe('import boundaries (eslint.config.js)', function () {
  this.timeout(60_000);

  for (const [file, specifier, why] of violations) {
    it(`refuses ${specifier} in ${file}`, async () => {
      const messages = await restricted(file, specifier);
      assert.equal(messages.length, 1, `expected the boundary rule to fire: ${specifier}`);
      assert.match(messages[0] ?? '', why);
    });
  }

  for (const [file, specifier] of allowed) {
    it(`allows ${specifier} in ${file}`, async () => {
      assert.deepEqual(await restricted(file, specifier), []);
    });
  }
});
