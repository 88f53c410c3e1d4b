import type { Kysely } from 'kysely';
import type { AccountSockets } from '../realtime/account-sockets.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { Actor } from '../auth/permissions.ts';
import { announceJoins, type UnitGroupNotifier } from '../groups/unit-groups.ts';
import {
  PEOPLE_IMPORT_COLUMNS,
  ROLE_LABELS,
  UNIT_IMPORT_COLUMNS,
  UNIT_KIND_LABELS,
  type ImportAction,
  type ImportResponse,
  type ImportRowView,
  type PeopleQuery,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { adminScope } from './admin-scope.ts';
import { applyPeopleImport, planPeopleImport } from './people-import.ts';
import { personQuery } from './person-records.ts';
import { loadRosterUnits } from './roster-units.ts';
import { applyUnitImport, planUnitImport } from './unit-import.ts';

/** The columns of an export, in the order an import reads them (Chinese headers). */
const PEOPLE_HEADERS = Object.values(PEOPLE_IMPORT_COLUMNS).map((c) => c[0]);
const UNIT_HEADERS = [
  UNIT_IMPORT_COLUMNS.name[0],
  UNIT_IMPORT_COLUMNS.kind[0],
  UNIT_IMPORT_COLUMNS.parent[0],
  UNIT_IMPORT_COLUMNS.code[0],
];
/** Enough for the largest branch; an export past it is cut (the page filters by unit then). */
const EXPORT_LIMIT = 50_000;

function summarise(rows: ImportRowView[]): Record<ImportAction, number> {
  const summary = { create: 0, update: 0, unchanged: 0, refuse: 0 };
  for (const r of rows) summary[r.action]++;
  return summary;
}

/**
 * Roster and unit-tree files: a dry run that says per row what would happen, then the same run
 * applied all-or-nothing in one transaction (refused when any row is refused). Importing the same
 * file twice changes nothing the second time. Exports write the shape the import reads.
 */
export function createRosterService(deps: {
  db: Kysely<Database>;
  sockets: AccountSockets;
  groups: UnitGroupNotifier;
  now?: () => number;
}) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  return {
    async importPeople(actor: Actor, table: string[][], apply: boolean): Promise<ImportResponse> {
      const scope = await adminScope(db, actor);
      const plan = await planPeopleImport(db, scope, await loadRosterUnits(db, scope), table);
      const summary = summarise(plan.rows);
      if (!apply || summary.refuse > 0) return { ok: true, applied: false, rows: plan.rows, summary };
      const { temporaryPasswords, moved } = await applyPeopleImport(db, actor, plan, now());
      await writeAudit(db, { actorId: actor.id, action: 'roster.import_people', detail: { after: summary } });
      // Moved people's unit × role rooms changed: their sockets reconnect, on every node.
      deps.sockets.reconnect(moved);
      return { ok: true, applied: true, rows: plan.rows, summary, temporaryPasswords };
    },

    async importUnits(actor: Actor, table: string[][], apply: boolean): Promise<ImportResponse> {
      const scope = await adminScope(db, actor);
      const plan = planUnitImport(scope, await loadRosterUnits(db, scope), table);
      const summary = summarise(plan.rows);
      if (!apply || summary.refuse > 0) return { ok: true, applied: false, rows: plan.rows, summary };
      const joined = await applyUnitImport(db, actor, plan, now());
      // New grids' officers (new command rooms' heads) keep their rooms and join the new groups'.
      announceJoins(deps.groups, joined);
      await writeAudit(db, { actorId: actor.id, action: 'roster.import_units', detail: { after: summary } });
      return { ok: true, applied: true, rows: plan.rows, summary };
    },

    /** The people of the actor's scope (filtered like the people list), header row first. */
    async exportPeople(actor: Actor, q: Omit<PeopleQuery, 'cursor' | 'q'>): Promise<string[][]> {
      const scope = await adminScope(db, actor);
      const units = await loadRosterUnits(db, scope);
      let query = personQuery(db).orderBy('users.id').limit(EXPORT_LIMIT);
      if (scope.prefix) query = query.where('units.path', 'like', `${scope.prefix}%`);
      query = q.role ? query.where('users.role', '=', q.role) : query.where('users.role', '!=', 'resident');
      if (q.unitId) query = query.where('users.unit_id', '=', q.unitId);
      if (q.status) query = query.where('users.disabled_at', q.status === 'active' ? 'is' : 'is not', null);
      const rows = await query.execute();
      const label = (id: string) => {
        const u = units.byId.get(id);
        return u ? units.label(u) : '';
      };
      return [
        PEOPLE_HEADERS,
        ...rows.map((p) => [p.name, p.login, p.rank ?? '', ROLE_LABELS[p.role], label(p.unit_id), p.phone ?? '']),
      ];
    },

    /** The live units of the actor's scope, parents before children, header row first. */
    async exportUnits(actor: Actor): Promise<string[][]> {
      const scope = await adminScope(db, actor);
      const units = await loadRosterUnits(db, scope);
      const live = units.units.filter((u) => u.retired_at === null).sort((a, b) => a.path.length - b.path.length);
      return [
        UNIT_HEADERS,
        ...live.map((u) => {
          const parent = u.parent_id ? units.byId.get(u.parent_id) : undefined;
          return [u.name, UNIT_KIND_LABELS[u.kind], parent ? units.label(parent) : '', u.code];
        }),
      ];
    },
  };
}
export type RosterService = ReturnType<typeof createRosterService>;
