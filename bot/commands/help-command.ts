import { CardFactory } from 'botbuilder';
import { helpCard } from '../../cards/help.ts';
import type { Command } from './command-table.ts';

export { helpCard } from '../../cards/help.ts';

/** `help`: a card listing every command of the table it is given. */
export function helpCommand(listCommands: () => readonly Command[]): Command {
  return {
    name: 'help',
    aliases: ['?', 'commands'],
    description: 'Show what I can do and the commands I understand.',
    example: 'help',
    async run({ turn }) {
      await turn.sendActivity({
        attachments: [CardFactory.adaptiveCard(helpCard(listCommands()))],
      });
    },
  };
}
