import type { Kysely } from 'kysely';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  PUSH_KINDS,
  type PushKind,
  type PushSettingsPayload,
  type PushSettingsView,
  type PushSubscribePayload,
} from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { checkEndpoint, type EndpointPolicy } from './endpoint-policy.ts';

/** Devices one person may have subscribed; a new one past this replaces their oldest. */
export const MAX_SUBSCRIPTIONS_PER_PERSON = 10;
/** A page that said it is visible counts as visible this long unless it says so again (it renews every 30 s). */
export const VISIBILITY_LEASE_MS = 75_000;

/** Who subscribes: a person signed in with a session (bots get no pushes). */
export interface SessionOwner {
  userId: string;
  sessionId: string;
}

/** Push subscriptions per person and session, push settings, and which devices have the page in view. */
export function createSubscriptionService(deps: {
  db: Kysely<Database>;
  endpoints: EndpointPolicy;
  now?: () => number;
}) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  return {
    /**
     * Stores this session's subscription. An endpoint already held by another person is refused (a
     * browser's endpoint is its own; someone presenting another's is forging it); the same
     * person's, from an earlier session, moves to this one.
     */
    async subscribe(owner: SessionOwner, p: PushSubscribePayload): Promise<{ id: string }> {
      checkEndpoint(p.endpoint, deps.endpoints);
      const t = now();
      return db.transaction().execute(async (trx) => {
        const held = await trx
          .selectFrom('push_subscriptions')
          .select(['id', 'user_id'])
          .where('endpoint', '=', p.endpoint)
          .executeTakeFirst();
        if (held && held.user_id !== owner.userId)
          throw errors.forbidden('this push subscription belongs to someone else');
        if (held) {
          await trx
            .updateTable('push_subscriptions')
            .set({ session_id: owner.sessionId, p256dh: p.keys.p256dh, auth: p.keys.auth, visible_until: null })
            .where('id', '=', held.id)
            .execute();
          return { id: held.id };
        }
        const id = newId();
        await trx
          .insertInto('push_subscriptions')
          .values({
            id,
            user_id: owner.userId,
            session_id: owner.sessionId,
            endpoint: p.endpoint,
            p256dh: p.keys.p256dh,
            auth: p.keys.auth,
            visible_until: null,
            created_at: t,
          })
          .execute();
        const surplus = await trx
          .selectFrom('push_subscriptions')
          .select('id')
          .where('user_id', '=', owner.userId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .offset(MAX_SUBSCRIPTIONS_PER_PERSON)
          .limit(100)
          .execute();
        if (surplus.length)
          await trx
            .deleteFrom('push_subscriptions')
            .where(
              'id',
              'in',
              surplus.map((s) => s.id),
            )
            .execute();
        return { id };
      });
    },

    /** Removes one of the person's own subscriptions (by endpoint); another's is not touched. */
    async unsubscribe(userId: string, endpoint: string): Promise<{ removed: boolean }> {
      const r = await db
        .deleteFrom('push_subscriptions')
        .where('endpoint', '=', endpoint)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return { removed: Number(r.numDeletedRows) > 0 };
    },

    /** Whether this session's page is open and visible: the sender skips its devices while it is. */
    async setVisible(sessionId: string, visible: boolean): Promise<void> {
      await db
        .updateTable('push_subscriptions')
        .set({ visible_until: visible ? now() + VISIBILITY_LEASE_MS : null })
        .where('session_id', '=', sessionId)
        .execute();
    },

    async settings(userId: string): Promise<PushSettingsView> {
      const row = await db
        .selectFrom('push_settings')
        .select(['kinds', 'quiet_from', 'quiet_to'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return { kinds: [...PUSH_KINDS], quietFrom: null, quietTo: null };
      return { kinds: JSON.parse(row.kinds) as PushKind[], quietFrom: row.quiet_from, quietTo: row.quiet_to };
    },

    async saveSettings(userId: string, p: PushSettingsPayload): Promise<PushSettingsView> {
      const row = {
        kinds: JSON.stringify([...new Set(p.kinds)]),
        quiet_from: p.quietFrom,
        quiet_to: p.quietTo,
        updated_at: now(),
      };
      await db
        .insertInto('push_settings')
        .values({ user_id: userId, ...row })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
        .execute();
      return { kinds: [...new Set(p.kinds)], quietFrom: p.quietFrom, quietTo: p.quietTo };
    },

    /** How many devices this session has subscribed (settings show whether this device is). */
    async sessionDevices(sessionId: string): Promise<number> {
      const r = await db
        .selectFrom('push_subscriptions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
