import { pino, type Logger } from 'pino';

/** The one pino logger; modules take a child with their name. Never log message bodies or phone numbers. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'fengqiao-hub' } });
}
export type { Logger };
