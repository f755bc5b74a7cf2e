// `help` and the help card's button (showHelp): every command of every feature, in the order
// buildApp assembled them.
import { helpCard } from '../../cards/help.ts';
import type { Command, Feature } from './feature.ts';

export function helpFeature(listCommands: () => readonly Command[]): Feature {
  return {
    name: 'help',
    commands: [
      {
        name: 'help',
        aliases: ['?', 'commands'],
        description: 'Show what I can do and the commands I understand.',
        example: 'help',
        async run({ reply }) {
          await reply.card(helpCard(listCommands()));
        },
      },
    ],
    cardActions: {
      showHelp: async () => ({ kind: 'card', card: helpCard(listCommands()) }),
    },
  };
}
