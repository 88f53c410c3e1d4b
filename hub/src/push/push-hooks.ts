import type { Kysely } from 'kysely';
import type { GroupNotifier } from '../groups/group.service.ts';
import type { HotlineNotifier } from '../hotline/hotline-context.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { OrderNotifier } from '../orders/order.service.ts';
import type { PushMessage } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import type { PushQueue } from './push-queue.ts';

/**
 * Web Push rides on the notifiers the domains already call once a change is persisted: each
 * wrapper passes every call through unchanged and queues pushes beside it, off the caller's path
 * (a failing queue is logged, never thrown into order creation or message delivery). Flash and
 * urgent orders are not pushed here but by the escalation ladder, from the store; `assigned` only
 * wakes it.
 */
export function createPushHooks(deps: {
  db: Kysely<Database>;
  push: PushQueue;
  /** Pushes are queued: send them soon. */
  queued: () => void;
  /** A new order exists: let the ladder look now rather than at its next tick. */
  orderAssigned: () => void;
  log: Logger;
}) {
  const { db, push, log } = deps;
  const send = (userIds: string[], message: PushMessage, dedupe: string) => {
    if (userIds.length === 0) return;
    void push
      .push(userIds, message, dedupe)
      .then((reached) => reached.length && deps.queued())
      .catch((err: unknown) => log.warn({ err, kind: message.kind }, 'push not queued'));
  };
  const later = (what: string, run: () => Promise<void>) =>
    void run().catch((err: unknown) => log.warn({ err, what }, 'push not queued'));

  return {
    orders: (n: OrderNotifier): OrderNotifier => ({
      ...n,
      assigned(order, rev, audience) {
        n.assigned(order, rev, audience);
        if (order.priority !== 'routine') deps.orderAssigned();
      },
      reminded(orderId, userIds, phase, manual) {
        n.reminded(orderId, userIds, phase, manual);
        later('chase', async () => {
          const o = await db.selectFrom('orders').select('title').where('id', '=', orderId).executeTakeFirstOrThrow();
          const message: PushMessage = {
            kind: 'chase',
            title: phase === 'ack' ? '催办：请签收' : '催办：请办结',
            body: o.title,
            url: `/orders/${orderId}`,
            tag: `order:${orderId}`,
            ...(phase === 'ack' ? { orderId } : {}),
          };
          send(userIds, message, `chase:${newId()}`);
        });
      },
      escalated(orderId, subjectId, toUserIds, phase) {
        n.escalated(orderId, subjectId, toUserIds, phase);
        later('escalation', async () => {
          const o = await db.selectFrom('orders').select('title').where('id', '=', orderId).executeTakeFirstOrThrow();
          const who = await db.selectFrom('users').select('name').where('id', '=', subjectId).executeTakeFirstOrThrow();
          const title = phase === 'ack' ? '通报：指令未签收' : '通报：指令未办结';
          send(
            toUserIds,
            {
              kind: 'escalation',
              title,
              body: `${who.name}：${o.title}`,
              url: `/orders/${orderId}`,
              tag: `order:${orderId}:${subjectId}`,
            },
            `escalated:${orderId}:${subjectId}:${phase}`,
          );
        });
      },
    }),

    /** @mentions (and @所有人) and replies in a group, to everyone but the author. */
    groups: <N extends GroupNotifier>(n: N): N => ({
      ...n,
      messageCreated(m) {
        n.messageCreated(m);
        // Most messages mention nobody and answer nobody: they push nothing, so they pay nothing
        // here (no task, no promise) on the way of every group message.
        if (!m.mentionAll && m.mentions.length === 0 && m.replyToSeq === null) return;
        later('group', async () => {
          // @所有人 reaches the members with a device to push to, found in one query: a group of
          // people without subscriptions costs no second lookup.
          const mentioned = m.mentionAll
            ? (
                await db
                  .selectFrom('group_members as g')
                  .innerJoin('push_subscriptions as s', 's.user_id', 'g.user_id')
                  .select('g.user_id')
                  .distinct()
                  .where('g.group_id', '=', m.groupId)
                  .where('g.status', '=', 'active')
                  .execute()
              ).map((r) => r.user_id)
            : m.mentions;
          const url = `/groups/${m.groupId}?seq=${m.seq}`;
          const body = m.text || '[图片]';
          send(
            mentioned.filter((u) => u !== m.sender.id),
            { kind: 'mention', title: `${m.sender.name} 提到了你`, body, url, tag: `group:${m.groupId}` },
            `message:${m.id}`,
          );
          if (m.replyToSeq === null) return;
          const to = await db
            .selectFrom('messages')
            .select('sender_id')
            .where('group_id', '=', m.groupId)
            .where('seq', '=', m.replyToSeq)
            .executeTakeFirst();
          if (to && to.sender_id !== m.sender.id && !mentioned.includes(to.sender_id))
            send(
              [to.sender_id],
              { kind: 'reply', title: `${m.sender.name} 回复了你`, body, url, tag: `group:${m.groupId}` },
              `message:${m.id}`,
            );
        });
      },
    }),

    /**
     * A new thread to the desk (head and delegates); a staff answer to the resident. Never a
     * note: notes are not passed to `message`, and no push is queued from `noteAdded`.
     */
    hotline: (n: HotlineNotifier): HotlineNotifier => ({
      ...n,
      message(m, to) {
        n.message(m, to);
        if (m.sender.id === to.residentId) return;
        send(
          [to.residentId],
          {
            kind: 'hotline',
            title: '所长热线回复',
            body: m.text || '[图片]',
            url: `/hotline/${m.groupId}`,
            tag: `hotline:${m.groupId}`,
          },
          `hotline-message:${m.id}`,
        );
      },
      threadChanged(views, to, change) {
        n.threadChanged(views, to, change);
        if (change !== 'created') return;
        later('hotline', async () => {
          const desk = await db
            .selectFrom('users')
            .select('id')
            .where('unit_id', '=', to.stationId)
            .where('role', '=', 'station_head')
            .where('disabled_at', 'is', null)
            .union(db.selectFrom('hotline_delegates').select('user_id as id').where('station_id', '=', to.stationId))
            .execute();
          const id = views.staff.id;
          send(
            desk.map((d) => d.id),
            {
              kind: 'hotline',
              title: '所长热线新来信',
              body: '有群众来信，请及时回复',
              url: `/hotline/${id}`,
              tag: `hotline:${id}`,
            },
            `hotline-thread:${id}`,
          );
        });
      },
    }),
  };
}
