// Text commands of the chat: `chat <incident>` picks the incident a personal chat talks about,
// `history [incident]` shows the transcript, `comment <text>` (experts) posts a Graph comment.
// A customer's sentence that merely starts with one of these words ("Chat soon?") is relayed as
// a message: the command only takes arguments shaped like its own.
import type { TurnContext } from 'botbuilder';
import type { ChatRelay } from '../../src/features/chat/chat-relay.ts';
import type { Command } from '../commands/command-table.ts';
import { chatMessage, chatSender } from './chat-turn.ts';
import { sendOutcome } from './send-outcome.ts';

const INCIDENT_ARG = /^\d{1,20}$/;

export function chatCommands(
  relay: ChatRelay,
  relayText: (context: TurnContext) => Promise<void>,
): Command[] {
  return [
    {
      name: 'chat',
      description:
        'Talk with the experts about an incident: its messages and their replies come here.',
      example: 'chat 2972403',
      async run({ turn, args }) {
        if (!args) {
          await turn.sendActivity(
            'Type **chat** followed by the incident number (e.g. **chat 2972403**), or select **Chat with experts** on an incident card.',
          );
          return;
        }
        if (!INCIDENT_ARG.test(args)) return relayText(turn);
        await sendOutcome(turn, await relay.bind(chatSender(turn), args));
      },
    },
    {
      name: 'history',
      aliases: ['transcript'],
      description: 'Show the conversation with the experts about an incident.',
      example: 'history 2972403',
      async run({ turn, args }) {
        if (args && !INCIDENT_ARG.test(args)) return relayText(turn);
        await sendOutcome(turn, await relay.history(chatSender(turn), args));
      },
    },
    {
      name: 'comment',
      description: "Experts: post an update as a comment on the thread's incident (one-way).",
      example: 'comment We confirmed the device is clean.',
      async run({ turn, args }) {
        const sender = chatSender(turn);
        if (sender.tenantId.toLowerCase() !== relay.experts.tenantId.toLowerCase()) {
          return relayText(turn);
        }
        await sendOutcome(turn, await relay.comment(chatMessage(turn, args)));
      },
    },
  ];
}
