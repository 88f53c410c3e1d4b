import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** `json` for production (one object a line, for the log shipper); `pretty` for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * A pino logger writing JSON, or readable lines when asked (`LOG_FORMAT=pretty`) or, unless
 * `LOG_FORMAT=json`, when stdout is a terminal. pino-pretty is a development dependency: where it
 * is not installed (a production install) the output stays JSON.
 */
export function createPinoLogger(options: LoggerOptions, format?: LogFormat): Logger {
  const pretty = (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty' ? prettyStream() : undefined;
  return pretty ? pino(options, pretty) : pino(options);
}

function prettyStream(): DestinationStream | undefined {
  try {
    // Resolved beside this module (or the bundle it is built into), synchronously: no worker thread.
    const pinoPretty = createRequire(import.meta.url)('pino-pretty') as (opts: object) => DestinationStream;
    return pinoPretty({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'hostname,app',
    });
  } catch {
    return undefined;
  }
}

/** The one pino logger; modules take a child with their name. Never log message bodies or phone numbers. */
export function createLogger(level: string, format?: LogFormat): Logger {
  return createPinoLogger({ level, base: { app: 'fengqiao-hub' } }, format);
}
export type { Logger };
