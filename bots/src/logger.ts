import { createPinoLogger, type LogFormat, type Logger } from '@fengqiao/hub/logger';

/**
 * The one pino logger of a bot process; modules take a child with their name. Log ids and
 * counts, never message text. The pid stays in each line: several bot processes may run side by side.
 */
export function createLogger(level: string, format?: LogFormat): Logger {
  return createPinoLogger({ level, base: { app: 'fengqiao-bots', pid: process.pid } }, format);
}
export type { LogFormat, Logger };
