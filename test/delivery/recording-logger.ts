import type { Logger } from '../../src/platform/logger.ts';
// Keeps log lines for assertions (and keeps test output quiet).

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  details: Record<string, unknown>;
}

export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];

  debug(details: object, message: string): void {
    this.#add('debug', details, message);
  }
  info(details: object, message: string): void {
    this.#add('info', details, message);
  }
  warn(details: object, message: string): void {
    this.#add('warn', details, message);
  }
  error(details: object, message: string): void {
    this.#add('error', details, message);
  }

  child(): Logger {
    return this;
  }

  matching(level: LogLine['level'], fragment: string): LogLine[] {
    return this.lines.filter((l) => l.level === level && l.message.includes(fragment));
  }

  #add(level: LogLine['level'], details: object, message: string): void {
    this.lines.push({ level, message, details: details as Record<string, unknown> });
  }
}
