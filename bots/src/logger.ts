import { pino, type Logger } from 'pino';

/**
 * The one pino logger of a bot process; modules take a child with their name. Log ids and
 * counts, never message text. The pid stays in each line: several bot processes may run side by side.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'fengqiao-bots', pid: process.pid } });
}
export type { Logger };
