// The Teams manifest's command lists name only commands the bot really has.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createChatFeature } from '../../bot/chat/create-chat-feature.ts';
import { awaitingCommand } from '../../bot/commands/awaiting-command.ts';
import { contactsCommand } from '../../bot/commands/contacts-command.ts';
import { helpCommand } from '../../bot/commands/help-command.ts';
import { socChannelCommand } from '../../bot/commands/soc-channel-command.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { DEMO_EXPERTS_SIDE } from '../../src/features/chat/experts-side.ts';
import { IncidentDirectory } from '../../src/shared/incident-directory.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

describe('manifest command lists', () => {
  it('list only commands of the bot', async () => {
    const manifest = JSON.parse(await readFile('manifest/manifest.template.json', 'utf8')) as {
      bots: { commandLists: { commands: { title: string }[] }[] }[];
    };
    const store = new MemoryStore();
    const chat = createChatFeature({
      store,
      delivery: {} as never,
      experts: DEMO_EXPERTS_SIDE,
      tenantOf: () => undefined,
      incidents: new IncidentDirectory(store),
      defender: {} as never,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date(),
    });
    const names = new Set(
      [
        helpCommand(() => []),
        awaitingCommand({
          tenantOf: () => undefined,
          queueCard: () => Promise.reject(new Error()),
        }),
        contactsCommand({ directory: {} as never, conversations: {} as never }),
        socChannelCommand({ directory: {} as never }),
        ...chat.commands,
      ].map((c) => c.name),
    );
    const listed = manifest.bots[0]!.commandLists.flatMap((l) => l.commands.map((c) => c.title));
    assert.ok(listed.length > 0);
    assert.deepEqual(
      listed.filter((t) => !names.has(t)),
      [],
    );
  });
});
