// The Teams manifest's command lists name the commands the bot really has, all of them, and the
// help card shows every one of them.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { App } from '../../src/app/build-app.ts';
import { demoApp } from './demo-app.ts';

async function listedInManifest(): Promise<Set<string>> {
  const manifest = JSON.parse(await readFile('manifest/manifest.template.json', 'utf8')) as {
    bots: { commandLists: { commands: { title: string }[] }[] }[];
  };
  return new Set(manifest.bots[0]!.commandLists.flatMap((l) => l.commands.map((c) => c.title)));
}

function commandsOf(app: App): string[] {
  return app.features.all.flatMap((f) => f.commands ?? []).map((c) => c.name);
}

describe('manifest command lists', () => {
  let app: App;
  before(async () => {
    app = await demoApp();
  });

  it('list only commands of the bot', async () => {
    const names = new Set(commandsOf(app));
    const listed = [...(await listedInManifest())];
    assert.ok(listed.length > 0);
    assert.deepEqual(
      listed.filter((t) => !names.has(t)),
      [],
    );
  });

  it('list every command of the bot, so Teams suggests the admin ones too (highvalue)', async () => {
    const listed = await listedInManifest();
    assert.deepEqual(
      commandsOf(app).filter((name) => !listed.has(name)),
      [],
    );
    assert.ok(listed.has('highvalue'));
  });

  it('and the help card shows each of them', async () => {
    const help = app.features.all.find((f) => f.name === 'help')?.cardActions?.showHelp;
    assert.ok(help, 'the help feature answers showHelp');
    const answer = await help({} as Parameters<typeof help>[0]);
    assert.equal(answer.kind, 'card');
    const shown = JSON.stringify(answer);
    for (const name of await listedInManifest()) {
      assert.ok(shown.includes(`"text":"${name}"`), `help shows ${name}`);
    }
    assert.match(shown, /highvalue add Tier 0/, 'with its example');
  });
});
