import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** Audit entries written before `cutoff`: how many, and the oldest. */
export async function countAuditBefore(db: Kysely<Database>, cutoff: number) {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
    .where('at', '<', cutoff)
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), oldest: r.oldest === null ? null : Number(r.oldest) };
}

/** Deletes up to `limit` audit entries written before `cutoff`, oldest first; returns how many went. */
export async function deleteAuditBefore(db: Kysely<Database>, cutoff: number, limit: number): Promise<number> {
  const res = await db
    .deleteFrom('audit_log')
    .where('id', 'in', db.selectFrom('audit_log').select('id').where('at', '<', cutoff).orderBy('at').limit(limit))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
