import type { Kysely } from 'kysely';
import type { AuditEntryView, AuditQuery } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

const PAGE = 100;
/** Bound of a CSV export: a year of a busy station's administration, and no more. */
export const AUDIT_EXPORT_LIMIT = 50_000;

/** Parses a stored detail: administrative changes keep `{ before, after }`; other entries show as `after`. */
function beforeAfter(detail: string | null): Pick<AuditEntryView, 'before' | 'after'> {
  if (!detail) return { before: null, after: null };
  const d = JSON.parse(detail) as Record<string, unknown>;
  if ('before' in d || 'after' in d)
    return {
      before: (d.before as Record<string, unknown> | undefined) ?? null,
      after: (d.after as Record<string, unknown> | undefined) ?? null,
    };
  return { before: null, after: d };
}

/** Reads of the audit log (audit-log.ts writes it): newest first, filtered, paged by id. */
export async function queryAudit(
  db: Kysely<Database>,
  q: AuditQuery,
  limit = PAGE,
): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select([
      'a.id',
      'a.at',
      'a.actor_id',
      'u.name as actor_name',
      'a.action',
      'a.target_type',
      'a.target_id',
      'a.detail',
    ])
    .orderBy('a.id', 'desc')
    .limit(limit);
  if (q.actorId) query = query.where('a.actor_id', '=', q.actorId);
  if (q.action) query = query.where('a.action', '=', q.action);
  if (q.targetType) query = query.where('a.target_type', '=', q.targetType);
  if (q.from !== undefined) query = query.where('a.at', '>=', q.from);
  if (q.to !== undefined) query = query.where('a.at', '<', q.to);
  if (q.cursor) query = query.where('a.id', '<', q.cursor);
  const rows = await query.execute();
  return {
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      ...beforeAfter(r.detail),
    })),
    nextCursor: rows.length === limit ? rows.at(-1)!.id : null,
  };
}
