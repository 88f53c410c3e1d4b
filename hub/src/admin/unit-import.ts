import type { Kysely } from 'kysely';
import { writeAuditBatch } from '../audit/audit-log.ts';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import {
  createUnitGroup,
  moveMemberships,
  plannedGroups,
  renameUnitGroups,
  type MembershipMoves,
} from '../groups/unit-groups.ts';
import { newId } from '../ids.ts';
import {
  UNIT_CHILD_KINDS,
  UNIT_CODE_PATTERN,
  UNIT_IMPORT_COLUMNS,
  UNIT_KIND_LABELS,
  UNIT_KINDS,
  type ImportRowView,
  type UnitKind,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { AdminScope } from './admin-scope.ts';
import { mapHeaders } from './import-headers.ts';
import type { RosterUnit, RosterUnits } from './roster-units.ts';

type Db = Kysely<Database>;

const kindOf = (text: string): UnitKind | undefined =>
  UNIT_KINDS.find((k) => k === text.trim().toLowerCase() || UNIT_KIND_LABELS[k] === text.trim());

export interface UnitPlan {
  rows: ImportRowView[];
  creates: RosterUnit[];
  renames: { unit: RosterUnit; name: string }[];
}

/**
 * Reads a unit tree (单位名称、类型、上级单位、单位代码) in file order, so a row may hang under a unit
 * created a few rows above. A unit is known by its code, or by name under its parent when the file
 * gives no code. Creates and renames only: moving a unit is the units page's job (a row naming
 * another parent for an existing unit is refused with move_not_supported).
 */
export function planUnitImport(scope: AdminScope, units: RosterUnits, table: string[][]): UnitPlan {
  const col = mapHeaders(table[0], UNIT_IMPORT_COLUMNS, ['name', 'kind', 'parent']);
  const body = table
    .slice(1)
    .map((cells, i) => ({ n: i + 2, cells }))
    .filter((r) => r.cells.some((c) => c !== ''));
  const plan: UnitPlan = { rows: [], creates: [], renames: [] };
  const fresh = new Map<string, RosterUnit>(); // by code and by name, for rows below
  const seen = new Set<string>();
  for (const { n, cells } of body) {
    const get = (f: keyof typeof UNIT_IMPORT_COLUMNS) => (col[f] === undefined ? '' : (cells[col[f]] ?? ''));
    const name = get('name');
    const code = get('code');
    const refuse = (reason: string) => plan.rows.push({ row: n, action: 'refuse', code, reason });
    const kind = kindOf(get('kind'));
    if (!name || name.length > 64) {
      refuse('name_invalid');
      continue;
    }
    if (!kind) {
      refuse('kind_unknown');
      continue;
    }
    if (code && !UNIT_CODE_PATTERN.test(code)) {
      refuse('code_invalid');
      continue;
    }
    if (code && seen.has(code.toLowerCase())) {
      refuse('duplicate_in_file');
      continue;
    }
    if (code) seen.add(code.toLowerCase());
    const parentText = get('parent');
    let parent: RosterUnit | undefined;
    if (parentText) {
      parent = fresh.get(parentText.toLowerCase()) ?? fresh.get(parentText);
      if (!parent) {
        const found = units.find(parentText);
        if ('problem' in found) {
          refuse(found.problem.replace('unit_', 'parent_'));
          continue;
        }
        parent = found.unit;
      }
    } else if (!can.administerWholeTree(scope.actor)) {
      refuse('forbidden');
      continue;
    }
    const fits = parent ? UNIT_CHILD_KINDS[parent.kind].includes(kind) : kind === 'city';
    if (!fits) {
      refuse('unit_kind_mismatch');
      continue;
    }
    const existing = code
      ? units.units.find((u) => u.code.toLowerCase() === code.toLowerCase())
      : units.units.find((u) => u.parent_id === (parent?.id ?? null) && u.name === name);
    if (existing) {
      if (existing.kind !== kind) {
        refuse('kind_change_not_supported');
        continue;
      }
      if (existing.parent_id !== (parent?.id ?? null)) {
        refuse('move_not_supported');
        continue;
      }
      if (existing.name === name) plan.rows.push({ row: n, action: 'unchanged', code: existing.code });
      else {
        plan.renames.push({ unit: existing, name });
        plan.rows.push({ row: n, action: 'update', code: existing.code, changes: { name: [existing.name, name] } });
      }
      continue;
    }
    if (code && units.units.some((u) => u.code.toLowerCase() === code.toLowerCase())) {
      refuse('code_taken');
      continue;
    }
    const id = newId();
    const unit: RosterUnit = {
      id,
      parent_id: parent?.id ?? null,
      kind,
      name,
      code: code || `${parent?.code ?? 'U'}-${id.slice(-6)}`,
      path: `${parent?.path ?? '/'}${id}/`,
      retired_at: null,
    };
    plan.creates.push(unit);
    fresh.set(unit.code.toLowerCase(), unit);
    fresh.set(name, unit);
    plan.rows.push({ row: n, action: 'create', code: unit.code });
  }
  return plan;
}

/**
 * Writes a unit plan in one transaction: units with their groups, renames, audit entries. Returns
 * who joined which new group, for their open sockets to hear once it committed.
 */
export async function applyUnitImport(
  db: Db,
  actor: Actor,
  plan: UnitPlan,
  at: number,
): Promise<MembershipMoves['joined']> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('units')
      .select((eb) => eb.fn.max('sort').as('sort'))
      .executeTakeFirst();
    let sort = Number(last?.sort ?? 0);
    const names = new Map(plan.creates.map((u) => [u.id, u.name]));
    // New grids take in their community's officers, new command rooms their station's head.
    const parents = [...new Set(plan.creates.map((u) => u.parent_id).filter((id): id is string => id !== null))];
    const neighbours = parents.length
      ? await trx
          .selectFrom('users')
          .select(['id', 'role', 'unit_id'])
          .where('unit_id', 'in', parents)
          .where('deleted_at', 'is', null)
          .execute()
      : [];
    const was = await plannedGroups(trx, neighbours);
    for (const u of plan.creates) {
      await trx
        .insertInto('units')
        .values({
          id: u.id,
          parent_id: u.parent_id,
          kind: u.kind,
          name: u.name,
          code: u.code,
          path: u.path,
          sort: ++sort,
          created_at: at,
        })
        .execute();
      const parentName =
        names.get(u.parent_id ?? '') ??
        (u.parent_id
          ? (await trx.selectFrom('units').select('name').where('id', '=', u.parent_id).executeTakeFirst())?.name
          : undefined);
      await createUnitGroup(trx, u, parentName, at);
    }
    const { joined } = await moveMemberships(trx, was, await plannedGroups(trx, neighbours), at);
    for (const r of plan.renames) {
      await trx.updateTable('units').set({ name: r.name }).where('id', '=', r.unit.id).execute();
      await renameUnitGroups(trx, r.unit.id);
    }
    await writeAuditBatch(
      trx,
      [
        ...plan.creates.map((u) => ({
          actorId: actor.id,
          action: 'unit.create',
          targetType: 'unit',
          targetId: u.id,
          detail: { after: { parentId: u.parent_id, kind: u.kind, name: u.name, code: u.code }, via: 'import' },
        })),
        ...plan.renames.map((r) => ({
          actorId: actor.id,
          action: 'unit.update',
          targetType: 'unit',
          targetId: r.unit.id,
          detail: { before: { name: r.unit.name }, after: { name: r.name }, via: 'import' },
        })),
      ],
      at,
    );
    return joined;
  });
}
