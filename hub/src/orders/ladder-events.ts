import type { Kysely } from 'kysely';
import { newId } from '../ids.ts';
import type { LadderStep, OrderEventKind } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/** Timeline kinds of the escalation ladder's steps: 已推送, 已短信, 已电话通知. */
const KIND: Record<LadderStep, OrderEventKind> = { push: 'pushed', webhook: 'texted', head: 'called' };

/**
 * Writes the escalation ladder's steps on an order's timeline, one line per recipient (as the
 * sweep's reminders do), in the ladder's own transaction. The orders module owns the timeline;
 * this is its one door for the ladder.
 */
export async function recordLadderSteps(
  trx: Kysely<Database>,
  step: LadderStep,
  orderId: string,
  userIds: string[],
  at: number,
): Promise<void> {
  for (let i = 0; i < userIds.length; i += 500)
    await trx
      .insertInto('order_events')
      .values(
        userIds.slice(i, i + 500).map((u) => ({
          id: newId(),
          order_id: orderId,
          at,
          actor_id: null,
          subject_id: u,
          kind: KIND[step],
          client_id: null,
          text: null,
        })),
      )
      .execute();
}
