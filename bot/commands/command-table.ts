// Text commands: a table looked up by the first word, not a chain of `if`s on the text.
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../../src/platform/logger.ts';
import type { TurnOrigin } from '../teams-context.ts';

export interface CommandContext {
  turn: TurnContext;
  /** Text after the command word, trimmed. */
  args: string;
  origin: TurnOrigin;
  logger: Logger;
}

export interface Command {
  name: string;
  aliases?: string[];
  description: string;
  example?: string;
  run(ctx: CommandContext): Promise<void>;
}

export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(private readonly commands: Command[]) {
    for (const command of commands) {
      for (const name of [command.name, ...(command.aliases ?? [])]) {
        const key = name.toLowerCase();
        if (this.byName.has(key)) throw new Error(`Duplicate command name: ${name}`);
        this.byName.set(key, command);
      }
    }
  }

  /** Finds the command named by the first word of `text` (case-insensitive). */
  match(text: string): { command: Command; args: string } | undefined {
    const trimmed = text.trim();
    const [word = '', ...rest] = trimmed.split(/\s+/);
    const command = this.byName.get(word.toLowerCase().replace(/^\//, ''));
    return command ? { command, args: rest.join(' ').trim() } : undefined;
  }

  list(): readonly Command[] {
    return this.commands;
  }
}
