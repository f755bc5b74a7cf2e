// Text commands: a table looked up by the first word, not a chain of `if`s on the text. The
// commands come from the features (src/app/feature.ts).
import type { Command } from '../../src/app/feature.ts';

export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(private readonly commands: readonly Command[]) {
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
