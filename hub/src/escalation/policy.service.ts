import type { Kysely } from 'kysely';
import { can, type Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import type { EscalationPolicyPayload, EscalationPolicyView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/** Per-station escalation ladders: read and set by an admin or the station's head. */
export function createPolicyService(deps: { db: Kysely<Database>; now?: () => number }) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  /** The station, if `actor` may set its ladder; not_found otherwise (no hint that it exists). */
  async function editableStation(actor: Actor, stationId: string): Promise<void> {
    const station = await db.selectFrom('units').select(['id', 'kind']).where('id', '=', stationId).executeTakeFirst();
    const mine = await db.selectFrom('units').select('path').where('id', '=', actor.unitId).executeTakeFirst();
    const inStation = mine?.path.split('/').includes(stationId) ?? false;
    if (!station || station.kind !== 'station' || !can.editEscalation(actor, inStation))
      throw errors.notFound('station');
  }

  async function view(stationId: string): Promise<EscalationPolicyView> {
    const row = await db
      .selectFrom('escalation_policies')
      .selectAll()
      .where('station_id', '=', stationId)
      .executeTakeFirst();
    return {
      stationId,
      webhookUrl: row?.webhook_url ?? null,
      hasSecret: Boolean(row?.webhook_secret),
      webhookAfterMinutes: row?.webhook_after_minutes ?? null,
      headAfterMinutes: row?.head_after_minutes ?? null,
    };
  }

  return {
    async get(actor: Actor, stationId: string): Promise<EscalationPolicyView> {
      await editableStation(actor, stationId);
      return view(stationId);
    },

    /** Saves the ladder; a webhook needs a signing secret (given now, or kept from before). */
    async set(actor: Actor, stationId: string, p: EscalationPolicyPayload): Promise<EscalationPolicyView> {
      await editableStation(actor, stationId);
      const before = await db
        .selectFrom('escalation_policies')
        .select('webhook_secret')
        .where('station_id', '=', stationId)
        .executeTakeFirst();
      const secret = p.webhookSecret ?? before?.webhook_secret ?? null;
      if (p.webhookUrl !== null && secret === null) throw errors.invalid('a webhook needs a signing secret');
      const row = {
        webhook_url: p.webhookUrl,
        webhook_secret: p.webhookUrl === null ? null : secret,
        webhook_after_minutes: p.webhookUrl === null ? null : p.webhookAfterMinutes,
        head_after_minutes: p.headAfterMinutes,
        updated_by: actor.id,
        updated_at: now(),
      };
      await db
        .insertInto('escalation_policies')
        .values({ station_id: stationId, ...row })
        .onConflict((oc) => oc.column('station_id').doUpdateSet(row))
        .execute();
      return view(stationId);
    },
  };
}
export type PolicyService = ReturnType<typeof createPolicyService>;
