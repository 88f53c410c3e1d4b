import type { Kysely } from 'kysely';
import { HOTLINE_REOPEN_WINDOW_MS, type HotlinePerson, type HotlineThreadView } from '../protocol/index.ts';
import { activePeople } from '../org/org-queries.ts';
import { conversationStates, type ConversationState } from '../conversations/conversation-queries.ts';
import type { Database } from '../store/schema.ts';

/** 13912340012 → 139****0012: what anyone but the staff handling a thread sees of a phone number. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** Whom a view is for: the thread's resident (no staff fields, ever) or the staff handling it. */
export type Audience = 'resident' | 'staff';

const SUBJECT_CHARS = 60;

/** The subject of a thread: its opening text, cut for lists. */
export const subjectOf = (text: string): string => [...text.replace(/\s+/g, ' ')].slice(0, SUBJECT_CHARS).join('');

/**
 * Builds thread views from the store. The resident's projection is made field by field and never
 * carries staff data; the staff projection adds the full phone, notes count, follow-up and the
 * suggested officer.
 */
export function createHotlineViews(db: Kysely<Database>, now: () => number) {
  const select = () =>
    db
      .selectFrom('hotline_threads as t')
      .innerJoin('units as s', 's.id', 't.station_id')
      .innerJoin('users as r', 'r.id', 't.resident_id')
      .leftJoin('units as ru', 'ru.id', 'r.unit_id')
      .leftJoin('users as a', 'a.id', 't.assignee_id')
      .leftJoin('users as hb', 'hb.id', 't.handoff_by')
      .leftJoin('users as rb', 'rb.id', 't.resolved_by')
      .selectAll('t')
      .select([
        's.name as s_name',
        's.code as s_code',
        'r.name as r_name',
        'r.phone as r_phone',
        'ru.id as ru_id',
        'ru.name as ru_name',
        'ru.parent_id as ru_parent',
      ])
      .select([
        'a.name as a_name',
        'a.role as a_role',
        'hb.name as hb_name',
        'hb.role as hb_role',
        'rb.name as rb_name',
        'rb.role as rb_role',
      ])
      .select((eb) =>
        eb
          .selectFrom('hotline_notes as n')
          .select(eb.fn.countAll<number>().as('c'))
          .whereRef('n.thread_id', '=', 't.id')
          .as('note_count'),
      );
  type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;

  const person = (id: string | null, name: string | null, role: string | null): HotlinePerson | null =>
    id ? { id, name: name ?? '', role: role ?? '' } : null;

  /** The community officers of residents' grids (an officer of the grid itself or of its community). */
  async function suggestions(rows: Row[]): Promise<Map<string, HotlinePerson>> {
    const units = [...new Set(rows.flatMap((r) => [r.ru_id, r.ru_parent]).filter((u): u is string => u !== null))];
    if (units.length === 0) return new Map();
    const officers = await activePeople(db, { roles: ['officer'], unitIds: units });
    const byUnit = new Map<string, HotlinePerson>();
    for (const o of officers)
      if (!byUnit.has(o.unit_id)) byUnit.set(o.unit_id, { id: o.id, name: o.name, role: o.role });
    return byUnit;
  }

  /** The threads' conversations: last seq, last message time, the resident's read cursor. */
  const conversationsOf = (rows: Row[]) =>
    conversationStates(
      db,
      rows.map((r) => ({ conversationId: r.id, userId: r.resident_id })),
    );

  function project(
    r: Row,
    audience: Audience,
    suggested: Map<string, HotlinePerson>,
    c: ConversationState | undefined,
  ): HotlineThreadView {
    const t = now();
    const view: HotlineThreadView = {
      id: r.id,
      station: { id: r.station_id, name: r.s_name, code: r.s_code },
      category: r.category,
      status: r.status,
      subject: r.subject,
      place: r.place,
      resident: { id: r.resident_id, name: r.r_name, phone: maskPhone(r.r_phone) },
      createdAt: r.created_at,
      dueAt: r.due_at,
      firstAnsweredAt: r.first_answered_at,
      lastSeq: c?.lastSeq ?? 0,
      lastMessageAt: c?.lastMessageAt ?? r.created_at,
      readSeq: audience === 'resident' ? (c?.readSeq ?? 0) : r.staff_read_seq,
      staffReadSeq: r.staff_read_seq,
      staffReadAt: r.staff_read_at,
      handler: person(r.assignee_id, r.a_name, r.a_role),
      handoff:
        r.handoff_department && r.handoff_at !== null
          ? {
              department: r.handoff_department,
              reason: r.handoff_reason ?? '',
              at: r.handoff_at,
              by: person(r.handoff_by, r.hb_name, r.hb_role) ?? { id: '', name: '', role: '' },
            }
          : null,
      resolution:
        r.status === 'resolved' && r.resolved_at !== null
          ? {
              summary: r.resolution_summary ?? '',
              at: r.resolved_at,
              by: person(r.resolved_by, r.rb_name, r.rb_role) ?? { id: '', name: '', role: '' },
            }
          : null,
      rating:
        r.rating_score !== null && r.rated_at !== null
          ? { score: r.rating_score, comment: r.rating_comment, at: r.rated_at }
          : null,
      reopenUntil: r.status === 'resolved' && r.resolved_at !== null ? r.resolved_at + HOTLINE_REOPEN_WINDOW_MS : null,
      updatedAt: r.updated_at,
      staff: null,
    };
    if (audience === 'resident') return view;
    return {
      ...view,
      staff: {
        residentPhone: r.r_phone,
        residentUnit: r.ru_id ? { id: r.ru_id, name: r.ru_name ?? '' } : null,
        overdue: r.first_answered_at === null && r.status !== 'resolved' && r.due_at <= t,
        overdueFlaggedAt: r.overdue_flagged_at,
        noteCount: Number(r.note_count ?? 0),
        followUp:
          r.follow_up_at !== null
            ? { at: r.follow_up_at, note: r.follow_up_note ?? '', doneAt: r.follow_up_done_at }
            : null,
        suggestedAssignee:
          (r.ru_id ? suggested.get(r.ru_id) : undefined) ??
          (r.ru_parent ? suggested.get(r.ru_parent) : undefined) ??
          null,
      },
    };
  }

  return {
    select,

    /** Views of the selected threads for one audience. */
    async many(rows: Row[], audience: Audience): Promise<HotlineThreadView[]> {
      const suggested = audience === 'staff' ? await suggestions(rows) : new Map<string, HotlinePerson>();
      const conversations = await conversationsOf(rows);
      return rows.map((r) => project(r, audience, suggested, conversations.get(r.id)));
    },

    /** One thread, for the resident and for staff (what the notifier sends each side). */
    async both(threadId: string): Promise<{
      resident: HotlineThreadView;
      staff: HotlineThreadView;
      stationId: string;
      residentId: string;
      assigneeId: string | null;
    }> {
      const r = await select().where('t.id', '=', threadId).executeTakeFirstOrThrow();
      const suggested = await suggestions([r]);
      const c = (await conversationsOf([r])).get(r.id);
      return {
        resident: project(r, 'resident', suggested, c),
        staff: project(r, 'staff', suggested, c),
        stationId: r.station_id,
        residentId: r.resident_id,
        assigneeId: r.assignee_id,
      };
    },
  };
}
export type HotlineViews = ReturnType<typeof createHotlineViews>;
