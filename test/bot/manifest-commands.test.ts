// The Teams manifest's command lists name only commands the bot really has.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { demoApp } from './demo-app.ts';
describe('manifest command lists', () => {
  it('list only commands of the bot', async () => {
    const manifest = JSON.parse(await readFile('manifest/manifest.template.json', 'utf8')) as {
      bots: { commandLists: { commands: { title: string }[] }[] }[];
    };
    const app = await demoApp();
    const names = new Set(app.features.all.flatMap((f) => f.commands ?? []).map((c) => c.name));
    const listed = manifest.bots[0]!.commandLists.flatMap((l) => l.commands.map((c) => c.title));
    assert.ok(listed.length > 0);
    assert.deepEqual(
      listed.filter((t) => !names.has(t)),
      [],
    );
  });
});
