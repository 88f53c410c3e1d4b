import type { Kysely } from 'kysely';
import { PUSH_KINDS, type PushKind, type PushMessage } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { enqueue } from './outbox.ts';
import { inQuietHours } from './quiet-hours.ts';

const TITLE_MAX = 60;
const BODY_MAX = 100;
/** Users per subscription lookup: well under the parameter limits. */
const LOOKUP_CHUNK = 1000;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * Queues one push per device of each person who wants this kind now (their settings, quiet hours
 * except for flash orders), in the caller's transaction when given one. Who is watching the page
 * is decided at send time, not here. Returns the people reached on at least one device.
 */
export function createPushQueue(deps: { db: Kysely<Database>; timeZone: string; now?: () => number }) {
  const now = deps.now ?? Date.now;

  return {
    async push(
      userIds: string[],
      message: PushMessage,
      dedupe: string,
      trx: Kysely<Database> = deps.db,
    ): Promise<string[]> {
      const t = now();
      const msg: PushMessage = {
        ...message,
        title: clip(message.title, TITLE_MAX),
        body: clip(message.body, BODY_MAX),
      };
      const payload = JSON.stringify(msg);
      const reached = new Set<string>();
      const unique = [...new Set(userIds)];
      for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
        const rows = await trx
          .selectFrom('push_subscriptions as s')
          .leftJoin('push_settings as p', 'p.user_id', 's.user_id')
          .select(['s.id', 's.user_id', 'p.kinds', 'p.quiet_from', 'p.quiet_to'])
          .where('s.user_id', 'in', unique.slice(i, i + LOOKUP_CHUNK))
          .execute();
        const wanted = rows.filter((r) => wants(msg.kind, r, t, deps.timeZone));
        await enqueue(
          trx,
          wanted.map((r) => ({ channel: 'webpush' as const, target: r.id, dedupe, payload })),
          t,
        );
        for (const r of wanted) reached.add(r.user_id);
      }
      return [...reached];
    },
  };
}
export type PushQueue = ReturnType<typeof createPushQueue>;

/** Settings: all kinds by default; flash orders always, through quiet hours too. */
function wants(
  kind: PushKind,
  s: { kinds: string | null; quiet_from: string | null; quiet_to: string | null },
  t: number,
  timeZone: string,
): boolean {
  if (kind === 'flash') return true;
  const kinds: readonly string[] = s.kinds === null ? PUSH_KINDS : (JSON.parse(s.kinds) as string[]);
  return kinds.includes(kind) && !inQuietHours(t, s.quiet_from, s.quiet_to, timeZone);
}
