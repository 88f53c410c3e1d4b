import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { BotTokenService } from '../auth/bot-token.service.ts';
import type { Database } from '../store/schema.ts';

/** File under DATA_DIR where a freshly seeded demo hub leaves its bot's API token. */
export const DEMO_BOT_TOKEN_FILE = 'bot-token';

/**
 * On a freshly seeded demo store only: issues a token for the demo bot and writes it to
 * DATA_DIR/bot-token (owner-readable only), so the bot process started beside the hub can sign in.
 * Production bots get their token from an admin (POST /api/admin/bot-tokens) through BOT_TOKEN.
 */
export async function writeDemoBotToken(db: Kysely<Database>, botTokens: BotTokenService, dataDir: string): Promise<string | null> {
  const bot = await db.selectFrom('users').select('id').where('role', '=', 'bot').where('disabled_at', 'is', null).orderBy('id').executeTakeFirst();
  if (!bot) return null;
  const { token } = await botTokens.issue(bot.id, 'demo briefing bot');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DEMO_BOT_TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}
