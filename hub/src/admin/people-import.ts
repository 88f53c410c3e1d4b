import type { Kysely } from 'kysely';
import { writeAuditBatch, type AuditEntry } from '../audit/audit-log.ts';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { loadGroupPlan, moveMemberships } from '../groups/unit-groups.ts';
import {
  ASSIGNABLE_ROLES,
  LOGIN_PATTERN,
  PEOPLE_IMPORT_COLUMNS,
  PHONE_PATTERN,
  ROLE_LABELS,
  STAFF_PHONE_PATTERN,
  UNIT_ROLES,
  type ImportRowView,
  type Role,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { AdminScope } from './admin-scope.ts';
import { mapHeaders } from './import-headers.ts';
import { personRow, temporaryPasswordColumns } from '../account/person-row.ts';
import type { RosterUnits } from './roster-units.ts';

type Db = Kysely<Database>;
const FIELDS = ['name', 'rank', 'role', 'unitId', 'phone'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string | null>;

/** A role from an import cell: the English key or the label the exports write (民警, 辅警, …). */
function roleOf(text: string): Role | undefined {
  const t = text.trim().toLowerCase();
  return ASSIGNABLE_ROLES.find((r) => r === t || ROLE_LABELS[r] === text.trim());
}

/** What an import will do, row by row, before anything is written. */
export interface PeoplePlan {
  rows: ImportRowView[];
  creates: { login: string; values: Values }[];
  updates: { id: string; login: string; displayName: string; before: Values; after: Values; moved: boolean }[];
}

/**
 * Reads a roster (header row first) against the store: per row create, update (with the changed
 * fields), unchanged, or refuse with a reason. Refusals: a bad or missing cell, a duplicate in the
 * file, a unit not found or ambiguous, a role above the actor's or not fitting the unit's kind, a
 * person outside the actor's station. Empty optional cells clear the field; absent columns keep it.
 */
export async function planPeopleImport(
  db: Db,
  scope: AdminScope,
  units: RosterUnits,
  table: string[][],
): Promise<PeoplePlan> {
  const col = mapHeaders(table[0], PEOPLE_IMPORT_COLUMNS, ['name', 'role', 'unit']);
  if (col.login === undefined && col.phone === undefined) mapHeaders([], PEOPLE_IMPORT_COLUMNS, ['login']);
  const cell = (r: string[], f: keyof typeof PEOPLE_IMPORT_COLUMNS) =>
    col[f] === undefined ? undefined : (r[col[f]] ?? '');
  const body = table
    .slice(1)
    .map((cells, i) => ({ n: i + 2, cells }))
    .filter((r) => r.cells.some((c) => c !== ''));
  // Residents sign in with their phone: a row without a badge number takes the phone as log-in.
  const loginOf = (r: string[]) => cell(r, 'login') || cell(r, 'phone') || '';
  const logins = [...new Set(body.map((r) => loginOf(r.cells)).filter(Boolean))];
  const existing = new Map<string, Awaited<ReturnType<typeof existingPeople>>[number]>();
  for (let i = 0; i < logins.length; i += 500)
    for (const p of await existingPeople(db, logins.slice(i, i + 500))) existing.set(p.login, p);

  const plan: PeoplePlan = { rows: [], creates: [], updates: [] };
  const seen = new Set<string>();
  /** The row's own cells checked, in the order a person fixing the file would want to hear: a reason, or what it says. */
  const read = (login: string, cells: string[]) => {
    const name = cell(cells, 'name')!;
    const role = roleOf(cell(cells, 'role')!);
    const phone = cell(cells, 'phone');
    const rank = cell(cells, 'rank');
    if (!LOGIN_PATTERN.test(login)) return { ok: false as const, reason: 'login_invalid' };
    if (seen.has(login)) return { ok: false as const, reason: 'duplicate_in_file' };
    seen.add(login);
    if (!name || name.length > 32) return { ok: false as const, reason: 'name_invalid' };
    if (!role) return { ok: false as const, reason: 'role_unknown' };
    if (phone && !(role === 'resident' ? PHONE_PATTERN : STAFF_PHONE_PATTERN).test(phone))
      return { ok: false as const, reason: 'phone_invalid' };
    if (rank && rank.length > 32) return { ok: false as const, reason: 'rank_invalid' };
    const found = units.find(cell(cells, 'unit')!);
    if ('problem' in found) return { ok: false as const, reason: found.problem };
    if (!can.assignRole(scope.actor, role)) return { ok: false as const, reason: 'forbidden' };
    if (!UNIT_ROLES[found.unit.kind].includes(role)) return { ok: false as const, reason: 'role_unit_mismatch' };
    return { ok: true as const, name, role, phone, rank, unit: found.unit };
  };
  for (const { n, cells } of body) {
    const login = loginOf(cells);
    const refuse = (reason: string) => plan.rows.push({ row: n, action: 'refuse', login, reason });
    const r = read(login, cells);
    if (!r.ok) {
      refuse(r.reason);
      continue;
    }
    const { name, role, phone, rank, unit } = r;
    const person = existing.get(login);
    const values: Values = {
      name,
      rank: rank === undefined ? (person?.rank ?? null) : rank || null,
      role,
      unitId: unit.id,
      phone: phone === undefined ? (person?.phone ?? null) : phone || null,
    };
    if (!person) {
      plan.creates.push({ login, values });
      plan.rows.push({ row: n, action: 'create', login });
      continue;
    }
    if (person.role === 'bot' || !scope.holds(person.unit_path) || !can.assignRole(scope.actor, person.role)) {
      refuse(person.role === 'bot' ? 'login_taken' : 'forbidden');
      continue;
    }
    if (person.id === scope.actor.id && role !== person.role) {
      refuse('forbidden');
      continue;
    }
    const before: Values = {
      name: person.name,
      rank: person.rank,
      role: person.role,
      unitId: person.unit_id,
      phone: person.phone,
    };
    const changes: Record<string, [unknown, unknown]> = {};
    for (const f of FIELDS) if (before[f] !== values[f]) changes[f] = [before[f], values[f]];
    if (Object.keys(changes).length === 0) {
      plan.rows.push({ row: n, action: 'unchanged', login });
      continue;
    }
    const moved = 'role' in changes || 'unitId' in changes;
    plan.updates.push({ id: person.id, login, displayName: person.display_name, before, after: values, moved });
    plan.rows.push({ row: n, action: 'update', login, changes });
  }
  return plan;
}

function existingPeople(db: Db, logins: string[]) {
  return db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select([
      'users.id',
      'users.login',
      'users.name',
      'users.display_name',
      'users.rank',
      'users.role',
      'users.unit_id',
      'users.phone',
      'units.path as unit_path',
    ])
    .where('users.login', 'in', logins)
    .execute();
}

/**
 * Writes a plan in one transaction: new people with temporary passwords, updates, group
 * memberships moved, one audit entry per person. Returns the passwords and who moved.
 */
export async function applyPeopleImport(
  db: Db,
  actor: Actor,
  plan: PeoplePlan,
  at: number,
): Promise<{ temporaryPasswords: { login: string; password: string }[]; moved: string[] }> {
  const temporaries = await Promise.all(plan.creates.map(() => temporaryPasswordColumns(at)));
  const rows = plan.creates.map((c, i) =>
    personRow(
      {
        login: c.login,
        name: c.values.name!,
        rank: c.values.rank,
        role: c.values.role as Role,
        unitId: c.values.unitId!,
        phone: c.values.phone,
      },
      temporaries[i]!.columns,
      at,
    ),
  );
  const moved = await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 200)
      await trx
        .insertInto('users')
        .values(rows.slice(i, i + 200))
        .execute();
    for (const u of plan.updates) {
      const a = u.after;
      await trx
        .updateTable('users')
        .set({
          name: a.name!,
          // The display name keeps its title (张三（所长）) when the name changes.
          display_name: u.displayName.replace(u.before.name!, a.name!),
          rank: a.rank,
          role: a.role as Role,
          unit_id: a.unitId!,
          phone: a.phone,
          updated_at: at,
        })
        .where('id', '=', u.id)
        .execute();
    }
    // The unit tree does not change in a people import: one plan answers before and after.
    const groups = await loadGroupPlan(trx);
    const before = new Map<string, Set<string>>();
    const after = new Map<string, Set<string>>();
    for (const r of rows) after.set(r.id!, groups.wanted({ id: r.id!, role: r.role, unit_id: r.unit_id }));
    for (const u of plan.updates.filter((x) => x.moved)) {
      before.set(u.id, groups.wanted({ id: u.id, role: u.before.role as Role, unit_id: u.before.unitId! }));
      after.set(u.id, groups.wanted({ id: u.id, role: u.after.role as Role, unit_id: u.after.unitId! }));
    }
    await moveMemberships(trx, before, after, at);
    const audit: AuditEntry[] = [
      ...rows.map((r, i) => ({
        actorId: actor.id,
        action: 'person.create',
        targetType: 'user',
        targetId: r.id!,
        detail: { after: { login: r.login, ...plan.creates[i]!.values }, via: 'import' },
      })),
      ...plan.updates.map((u) => ({
        actorId: actor.id,
        action: 'person.update',
        targetType: 'user',
        targetId: u.id,
        detail: { ...diff(u.before, u.after), via: 'import' },
      })),
    ];
    await writeAuditBatch(trx, audit, at);
    return plan.updates.filter((u) => u.moved).map((u) => u.id);
  });
  return {
    temporaryPasswords: plan.creates.map((c, i) => ({ login: c.login, password: temporaries[i]!.password })),
    moved,
  };
}

function diff(before: Values, after: Values) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const f of FIELDS) if (before[f] !== after[f]) [b[f], a[f]] = [before[f], after[f]];
  return { before: b, after: a };
}
