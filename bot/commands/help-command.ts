import { CardFactory } from 'botbuilder';
import { renderCard } from '../../cards/render-card.ts';
import type { Command } from './command-table.ts';

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

export function helpCard(commands: readonly Command[]): object {
  return renderCard('help', {
    commands: commands.map((c) => ({
      name: c.name,
      description: c.description,
      example: c.example ?? c.name,
    })),
  });
}
