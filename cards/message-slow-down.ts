// What a person hears, on the message card, when the bot did not act on what they sent: they
// (or their organisation) sent a lot in a short time, or Defender's quota for their organisation
// is in use for now. Either way nothing was done and nothing was kept, so the words say to send
// it again, and when.
import type { MessageCardData } from './message.ts';

export interface SlowDownInput {
  /** When it can be sent again. */
  retryAfterSeconds: number;
  /** Whose budget ran out. */
  scope: 'user' | 'tenant';
  /** What ran out: messages and clicks, or look-ups of incidents the bot has not seen yet. */
  budget: 'message' | 'cardAction' | 'lookup';
}

/** "in 40 seconds", "in 3 minutes" (rounded up), "in a minute". */
export function inHowLong(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s === 1) return 'in a second';
  if (s < 90) return `in ${s} seconds`;
  const minutes = Math.ceil(s / 60);
  return `in ${minutes} minutes`;
}

/** The short form: an invoke's message answer (Teams keeps the clicked card as it was). */
export function slowDownText(input: SlowDownInput): string {
  return `You're going fast: I didn't act on that. Try again ${inHowLong(input.retryAfterSeconds)}.`;
}

export function slowDownCardData(input: SlowDownInput): MessageCardData {
  const why =
    input.scope === 'tenant'
      ? 'Your organisation has sent me a lot in a short time'
      : input.budget === 'lookup'
        ? "You've asked about many incidents I haven't seen yet in a short time"
        : "You've sent me a lot in a short time";
  return {
    title: "You're going fast",
    text: `${why}, so I didn't act on your last message and didn't keep it. Try again ${inHowLong(input.retryAfterSeconds)}.`,
    style: 'warning',
    facts: [],
  };
}

/** Defender's quota for the organisation is in use (or Defender throttles it): not sent. */
export function defenderBusyText(retryAfterSeconds: number | undefined): string {
  return `Defender is busy for your organisation right now, so I didn't act on that. Try again ${busyWhen(retryAfterSeconds)}.`;
}

export function defenderBusyCardData(retryAfterSeconds: number | undefined): MessageCardData {
  return {
    title: 'Defender is busy',
    text: `Defender is busy for your organisation right now, so I didn't act on your last message and didn't keep it. Try again ${busyWhen(retryAfterSeconds)}.`,
    style: 'warning',
    facts: [],
  };
}

function busyWhen(retryAfterSeconds: number | undefined): string {
  return retryAfterSeconds === undefined || retryAfterSeconds <= 60
    ? 'in a minute'
    : inHowLong(retryAfterSeconds);
}
