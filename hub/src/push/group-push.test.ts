import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  firstGrid,
  login,
  startPushEndpoint,
  startTestHub,
  type PushEndpoint,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';
import type { PushMessage } from '../protocol/index.ts';

/** Group messages as pushes, end to end on SQLite: who is pushed for a mention, a reply and @所有人, and who is not. */
describe('web push of group messages', () => {
  let t: TestHub;
  let ep: PushEndpoint;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    ep = await startPushEndpoint();
    t = await startTestHub({ env: { PUSH_INSECURE_HOSTS: '127.0.0.1', PUSH_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
    await ep?.close();
  });

  it('pushes mentions, replies and @所有人 to subscribed members only; a plain message pushes nothing', async () => {
    const { groupId, officerLogin, residentLogins } = await firstGrid(t.hub);
    const db = t.hub.store.db;
    const idOf = async (l: string) =>
      (await db.selectFrom('users').select('id').where('login', '=', l).executeTakeFirstOrThrow()).id;
    const officerId = await idOf(officerLogin);
    const formerId = await idOf(residentLogins[1]!);
    // Every one of them has a device; the third resident is then removed from the group.
    const cookies = new Map<string, string>();
    for (const [name, l] of [
      ['officer', officerLogin],
      ['resident', residentLogins[0]!],
      ['former', residentLogins[1]!],
    ] as const) {
      const { cookie } = await login(t.url, l);
      cookies.set(name, cookie);
      const res = await fetch(`${t.url}/api/push/subscriptions`, {
        method: 'POST',
        headers: { cookie, origin: t.url, 'content-type': 'application/json' },
        body: JSON.stringify(ep.device(name)),
      });
      expect(res.status).toBe(201);
    }
    await db
      .updateTable('group_members')
      .set({ status: 'removed' })
      .where('group_id', '=', groupId)
      .where('user_id', '=', formerId)
      .execute();
    const [officer, resident] = await Promise.all(
      ['officer', 'resident'].map((n) => connectSocket(t.url, { cookie: cookies.get(n)! })),
    );
    sockets.push(officer!, resident!);
    let n = 0;
    const send = async (s: TestSocket, p: Record<string, unknown>) => {
      const res = await s.emitWithAck('message:send', { groupId, clientId: `group-push-${++n}`, ...p } as never);
      if (!res.ok) throw new Error(res.error.message);
      return res.message;
    };
    const pushed = () =>
      ep.received.map((r) => {
        const m = JSON.parse(r.payload!) as PushMessage;
        return { device: r.device, kind: m.kind, body: m.body };
      });

    await send(resident!, { text: '路灯坏了' });
    await send(resident!, { text: '民警同志请看', mentions: [officerId] });
    await ep.until(1);
    const asked = await send(officer!, { text: '明天上午去修' });
    await send(resident!, { text: '谢谢', replyToSeq: asked.seq });
    await ep.until(2);
    await send(officer!, { text: '今晚停水', mentionAll: true });
    await ep.until(3);
    // Whatever is still queued goes out now: nothing else may arrive.
    await t.hub.runPushOutbox();
    expect(pushed()).toEqual([
      { device: 'officer', kind: 'mention', body: '民警同志请看' },
      { device: 'officer', kind: 'reply', body: '谢谢' },
      { device: 'resident', kind: 'mention', body: '今晚停水' },
    ]);
  });
});
