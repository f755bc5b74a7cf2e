// Text commands of the chat: `chat <incident>` picks the incident a personal chat talks about,
// `history [incident]` shows the transcript, `comment <text>` (experts) posts a Graph comment.
// A customer's sentence that merely starts with one of these words ("Chat soon?") is relayed as
// a message: the command only takes arguments shaped like its own.
import type { Command, Turn } from '../../app/feature.ts';
import type { ChatRelay } from './chat-relay.ts';
import { chatMessage, chatSender } from './chat-turn.ts';
import { replyOutcome } from './reply-outcome.ts';

const INCIDENT_ARG = /^\d{1,20}$/;

export function chatCommands(
  relay: ChatRelay,
  relayText: (turn: Turn) => Promise<void>,
): Command[] {
  return [
    {
      name: 'chat',
      description:
        'Talk with the experts about an incident: its messages and their replies come here.',
      example: 'chat 2972403',
      async run(ctx) {
        if (!ctx.args) {
          await ctx.reply.text(
            'Type **chat** followed by the incident number (e.g. **chat 2972403**), or select **Chat with experts** on an incident card.',
          );
          return;
        }
        if (!INCIDENT_ARG.test(ctx.args)) return relayText(ctx);
        await replyOutcome(ctx.reply, await relay.bind(chatSender(ctx.from), ctx.args));
      },
    },
    {
      name: 'history',
      aliases: ['transcript'],
      description: 'Show the conversation with the experts about an incident.',
      example: 'history 2972403',
      async run(ctx) {
        if (ctx.args && !INCIDENT_ARG.test(ctx.args)) return relayText(ctx);
        await replyOutcome(ctx.reply, await relay.history(chatSender(ctx.from), ctx.args));
      },
    },
    {
      name: 'comment',
      description: "Experts: post an update as a comment on the thread's incident (one-way).",
      example: 'comment We confirmed the device is clean.',
      async run(ctx) {
        if (ctx.from.tenantId.toLowerCase() !== relay.experts.tenantId.toLowerCase()) {
          return relayText(ctx);
        }
        await replyOutcome(ctx.reply, await relay.comment(chatMessage(ctx, ctx.args)));
      },
    },
  ];
}
