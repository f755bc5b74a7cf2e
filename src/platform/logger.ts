// The one logger type, and the pino logger that implements it: structured JSON lines with secrets
// redacted by path wherever they might appear; readable lines instead when a person watches a
// terminal (not in production, and never when the output goes to a pipe or a file).
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** What every component logs through. pino implements it; tests pass silentLogger or a recorder. */
export interface Logger {
  debug(details: object, message?: string): void;
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
  /** A logger whose lines all carry `bindings`, e.g. `{ component: 'delivery' }`. */
  child(bindings: Record<string, unknown>): Logger;
}

/** The process's root logger (also logs `fatal`); only the composition root holds one. */
export type RootLogger = PinoLogger;

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export const redactPaths = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  '*.clientSecret',
  '*.appPassword',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  '*.access_token',
  '*.MicrosoftAppPassword',
  '*.CertificatePrivateKey',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): RootLogger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'managed-response-bot',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Readable lines only on a terminal outside production; JSON lines everywhere else. */
export function wantsReadableLogs(
  output: { isTTY?: boolean },
  nodeEnv: string | undefined,
): boolean {
  return output.isTTY === true && nodeEnv !== 'production';
}

/**
 * A destination that prints each JSON line as a readable one (pino-pretty, loaded only when
 * wanted): time, level, (component) message, then the details on the same line. Defaults to
 * stdout, synchronously.
 */
export async function readableDestination(
  output?: NodeJS.WritableStream,
  options: { colorize?: boolean } = {},
): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize: options.colorize ?? true,
    translateTime: 'SYS:HH:MM:ss.l',
    // One line per entry: "[09:14:00.123] INFO: (delivery) delivered {"jobId":…}".
    messageFormat: '{if component}({component}) {end}{msg}',
    ignore: 'pid,hostname,name,component',
    singleLine: true,
    sync: true,
    ...(output ? { destination: output } : {}),
  });
}
