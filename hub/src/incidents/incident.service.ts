import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import { dispatchScope } from '../org/dispatch-scope.ts';
import { unitById } from '../org/org-queries.ts';
import { checkWindow } from '../time-window.ts';
import {
  INCIDENT_STATUSES,
  TIME_WINDOWS,
  type CreateIncidentBody,
  type IncidentStatus,
  type IncidentView,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

const SHANGHAI = 'Asia/Shanghai';

/** The station's day in its own time zone, for incident numbers: 20261123-0007. */
function localDay(t: number, timeZone = SHANGHAI): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(t)
    .replaceAll('-', '');
}

/** The orders linked to these incidents (incident id → order ids): the order module answers. */
export type OrdersOfIncidents = (incidentIds: string[]) => Promise<Map<string, string[]>>;

/** The incident register (警情): logged by the command room, counted by the reports. */
export function createIncidentService(deps: { db: Kysely<Database>; ordersOf: OrdersOfIncidents; now?: () => number }) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  async function station(actor: Actor) {
    if (!can.issueOrders(actor)) throw errors.forbidden('only the command room logs incidents');
    const scope = await dispatchScope(db, actor.unitId);
    const unit = scope && (await unitById(db, scope.id));
    if (!unit || unit.kind !== 'station') throw errors.forbidden('incidents are logged by a station');
    return unit;
  }

  async function views(where: { stationPath?: string; id?: string }, limit = 100): Promise<IncidentView[]> {
    let q = db
      .selectFrom('incidents as i')
      .innerJoin('units as s', 's.id', 'i.station_id')
      .innerJoin('users as u', 'u.id', 'i.created_by')
      .select([
        'i.id',
        'i.number',
        'i.station_id',
        'i.reported_at',
        'i.category',
        'i.source',
        'i.place',
        'i.caller',
        'i.summary',
        'i.status',
        'u.id as user_id',
        'u.name as user_name',
      ])
      .orderBy('i.reported_at', 'desc')
      .limit(limit);
    if (where.stationPath) q = q.where('s.path', 'like', `${where.stationPath}%`);
    if (where.id) q = q.where('i.id', '=', where.id);
    const rows = await q.execute();
    const orders = await deps.ordersOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      stationId: r.station_id,
      reportedAt: r.reported_at,
      category: r.category as IncidentView['category'],
      source: r.source as IncidentView['source'],
      place: r.place,
      caller: r.caller,
      summary: r.summary,
      status: r.status as IncidentStatus,
      createdBy: { id: r.user_id, name: r.user_name },
      orderIds: orders.get(r.id) ?? [],
    }));
  }

  return {
    /** Logs an incident; a retry with the same client id returns the first. */
    async create(actor: Actor, body: CreateIncidentBody): Promise<IncidentView> {
      const st = await station(actor);
      const existing = await db
        .selectFrom('incidents')
        .select('id')
        .where('created_by', '=', actor.id)
        .where('client_id', '=', body.clientId)
        .executeTakeFirst();
      if (existing) return (await views({ id: existing.id }))[0]!;
      const t = now();
      const reportedAt = checkWindow('reportedAt', body.reportedAt ?? t, TIME_WINDOWS.reported, t);
      const day = localDay(reportedAt);
      const id = newId();
      await db.transaction().execute(async (trx) => {
        const n = await trx
          .selectFrom('incidents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('station_id', '=', st.id)
          .where('number', 'like', `${st.code}-${day}-%`)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('incidents')
          .values({
            id,
            station_id: st.id,
            number: `${st.code}-${day}-${String(Number(n.n) + 1).padStart(4, '0')}`,
            client_id: body.clientId,
            created_by: actor.id,
            reported_at: reportedAt,
            category: body.category,
            source: body.source,
            place: body.place,
            caller: body.caller ?? null,
            summary: body.summary,
            status: 'received',
            created_at: t,
            updated_at: t,
          })
          .execute();
      });
      return (await views({ id }))[0]!;
    },

    async list(actor: Actor): Promise<IncidentView[]> {
      if (!can.issueOrders(actor)) throw errors.forbidden('only the command room reads the incident register');
      const scope = await dispatchScope(db, actor.unitId);
      if (!scope) throw errors.forbidden('you have no command scope');
      return views({ stationPath: scope.path });
    },

    /** Moves an incident forward: received → dispatched → on scene → closed. */
    async setStatus(actor: Actor, id: string, status: IncidentStatus): Promise<IncidentView> {
      const st = await station(actor);
      const row = await db
        .selectFrom('incidents')
        .select(['status', 'station_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || row.station_id !== st.id) throw errors.notFound('incident');
      if (INCIDENT_STATUSES.indexOf(status) <= INCIDENT_STATUSES.indexOf(row.status as IncidentStatus)) {
        throw errors.conflict(`the incident is already ${row.status}`);
      }
      await db.updateTable('incidents').set({ status, updated_at: now() }).where('id', '=', id).execute();
      return (await views({ id }))[0]!;
    },
  };
}
export type IncidentService = ReturnType<typeof createIncidentService>;
