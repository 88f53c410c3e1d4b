import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { BotTokenService } from '../auth/bot-token.service.ts';
import { activePersonByLogin } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';

/** File under DATA_DIR where a demo hub leaves its bot's API token. */
export const DEMO_BOT_TOKEN_FILE = 'bot-token';
/** The demo seed's bot (demo-seed.ts). */
const DEMO_BOT_LOGIN = 'bot-briefing';

/**
 * On a demo hub only (the demo bot `bot-briefing` exists): when DATA_DIR/bot-token is missing,
 * issues a token for the demo bot and writes it there (owner-readable only), so the bot process
 * started beside the hub can sign in — on the first start and on a data folder from before.
 * Production bots get their token from an admin (POST /api/admin/bot-tokens) through BOT_TOKEN.
 */
export async function writeDemoBotToken(
  db: Kysely<Database>,
  botTokens: BotTokenService,
  dataDir: string,
): Promise<string | null> {
  const file = join(dataDir, DEMO_BOT_TOKEN_FILE);
  if (existsSync(file)) return null;
  const bot = await activePersonByLogin(db, DEMO_BOT_LOGIN, 'bot');
  if (!bot) return null;
  const { token } = await botTokens.issue(bot.id, 'demo briefing bot');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}
