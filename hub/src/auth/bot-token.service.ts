import type { Kysely } from 'kysely';
import type { BotTokenView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { hashSecret, randomString, secretMatches, splitToken } from './token.ts';

/** Bot tokens are recognisable in logs and config by this prefix. */
export const BOT_TOKEN_PREFIX = 'fqb_';

/** Long random API tokens for bots, stored like sessions: id in clear, SHA-256 of the secret. */
export function createBotTokenService(db: Kysely<Database>, now: () => number = Date.now) {
  return {
    /** Issues a token for a bot user; the full token is returned once. */
    async issue(userId: string, name: string): Promise<{ id: string; token: string }> {
      const id = randomString(24);
      const secret = randomString(40);
      await db
        .insertInto('bot_tokens')
        .values({
          id,
          user_id: userId,
          name,
          secret_hash: hashSecret(secret),
          created_at: now(),
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      return { id, token: `${BOT_TOKEN_PREFIX}${id}.${secret}` };
    },

    /** The bot's user id when the token is genuine and not revoked, else null. */
    async validate(token: string): Promise<{ tokenId: string; userId: string } | null> {
      const parts = splitToken(token, BOT_TOKEN_PREFIX);
      if (!parts) return null;
      const row = await db.selectFrom('bot_tokens').selectAll().where('id', '=', parts.id).executeTakeFirst();
      if (!row || row.revoked_at !== null || !secretMatches(parts.secret, row.secret_hash)) return null;
      const t = now();
      // Coarse last-use stamp: one write per hour at most.
      if (row.last_used_at === null || t - row.last_used_at > 3600_000) {
        await db.updateTable('bot_tokens').set({ last_used_at: t }).where('id', '=', row.id).execute();
      }
      return { tokenId: row.id, userId: row.user_id };
    },

    /** Every token with its name and use; never the secret or its hash. */
    async list(): Promise<BotTokenView[]> {
      const rows = await db
        .selectFrom('bot_tokens')
        .select(['id', 'user_id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        botUserId: r.user_id,
        name: r.name,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        revokedAt: r.revoked_at,
      }));
    },

    /** Which of these tokens are still in force (the rest were revoked while their sockets were open). */
    async activeAmong(tokenIds: string[]): Promise<Set<string>> {
      if (tokenIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('bot_tokens')
        .select('id')
        .where('id', 'in', tokenIds)
        .where('revoked_at', 'is', null)
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    async revoke(tokenId: string): Promise<boolean> {
      const res = await db
        .updateTable('bot_tokens')
        .set({ revoked_at: now() })
        .where('id', '=', tokenId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
  };
}
export type BotTokenService = ReturnType<typeof createBotTokenService>;
