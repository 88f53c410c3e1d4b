import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { Database } from '../store/schema.ts';

/** Who is on duty (在岗): each person sets their own; the order picker and escalations read it. */
export function createDutyService(db: Kysely<Database>, now: () => number = Date.now) {
  return {
    async set(actor: Actor, onDuty: boolean): Promise<{ onDuty: boolean }> {
      if (!can.setDuty(actor, actor.id)) throw errors.forbidden('only staff who receive orders have a duty status');
      const t = now();
      await db
        .insertInto('duty_status')
        .values({ user_id: actor.id, on_duty: onDuty ? 1 : 0, changed_at: t })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ on_duty: onDuty ? 1 : 0, changed_at: t }))
        .execute();
      return { onDuty };
    },

    /** The ones among these people who are on duty now. */
    async onDutyAmong(userIds: string[]): Promise<string[]> {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('duty_status')
        .select('user_id')
        .where('user_id', 'in', userIds)
        .where('on_duty', '=', 1)
        .execute();
      return rows.map((r) => r.user_id);
    },
  };
}
export type DutyService = ReturnType<typeof createDutyService>;
