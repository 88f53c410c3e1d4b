import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** Named reads of matters (登记问题) for reports and the overview. Only the matter service writes the table. */

/** A period [start, end) in epoch ms. */
type Span = { start: number; end: number };

/** Matters registered in these groups in the period: all of them, and the disputes among them. */
export async function matterCounts(
  db: Kysely<Database>,
  groupIds: string[],
  p: Span,
): Promise<{ total: number; disputes: number }> {
  const row = await db
    .selectFrom('matters')
    .select([
      (eb) => eb.fn.countAll<number>().as('total'),
      sql<number>`sum(case when category = 'dispute' then 1 else 0 end)`.as('disputes'),
    ])
    .where('group_id', 'in', groupIds)
    .where('created_at', '>=', p.start)
    .where('created_at', '<', p.end)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total ?? 0), disputes: Number(row.disputes ?? 0) };
}

/** Matters registered before `t` and still open or under way, per group. */
export async function openMattersPerGroup(
  db: Kysely<Database>,
  groupIds: string[],
  t: number,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('matters')
    .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('group_id', 'in', groupIds)
    .where('created_at', '<', t)
    .where('status', 'in', ['open', 'in_progress'])
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n ?? 0)]));
}

/** The oldest disputes registered before `t` in these groups and still unsettled, with their group's name. */
export function unsettledDisputes(db: Kysely<Database>, groupIds: string[], t: number, limit: number) {
  return db
    .selectFrom('matters as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.title', 'm.created_at', 'g.name'])
    .where('m.group_id', 'in', groupIds)
    .where('m.category', '=', 'dispute')
    .where('m.status', 'in', ['open', 'in_progress'])
    .where('m.created_at', '<', t)
    .orderBy('m.created_at')
    .limit(limit)
    .execute();
}

/**
 * Matters still open or under way in the groups this person actively belongs to: how many, how
 * many registered before `lateBefore`, and the `limit` oldest with their group's name.
 */
export async function openMattersOf(db: Kysely<Database>, userId: string, lateBefore: number, limit: number) {
  const mine = () =>
    db
      .selectFrom('matters as m')
      .innerJoin('group_members as gm', (j) =>
        j.onRef('gm.group_id', '=', 'm.group_id').on('gm.user_id', '=', userId).on('gm.status', '=', 'active'),
      )
      .where('m.status', 'in', ['open', 'in_progress']);
  const [counts, oldest] = await Promise.all([
    mine()
      .select([
        (eb) => eb.fn.countAll<number>().as('open'),
        sql<number>`sum(case when m.created_at < ${lateBefore} then 1 else 0 end)`.as('late'),
      ])
      .executeTakeFirstOrThrow(),
    mine()
      .innerJoin('groups as g', 'g.id', 'm.group_id')
      .select(['m.id', 'm.group_id', 'g.name', 'm.title', 'm.category', 'm.created_at'])
      .orderBy('m.created_at')
      .orderBy('m.id')
      .limit(limit)
      .execute(),
  ]);
  return { open: Number(counts.open ?? 0), late: Number(counts.late ?? 0), oldest };
}
