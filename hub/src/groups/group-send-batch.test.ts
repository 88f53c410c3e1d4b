import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, SendMessagePayload } from '../protocol/index.ts';
import {
  connectSocket,
  firstGrid,
  login,
  startTestHub,
  storeDialects,
  type FirstGrid,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

let n = 0;
const cid = () => `burst-${Date.now()}-${++n}`;

/** A member's socket and every `message:created` it heard, in arrival order. */
interface Listener {
  socket: TestSocket;
  heard: MessageView[];
}

/**
 * Many `message:send` in flight at once (group commit writes them together): over real sockets,
 * every send is answered once with its stored message, a client id sent twice in the burst is
 * stored once, each group's seqs stay exactly 1..last, and every member hears every new message
 * once, in seq order per group (the resent one may be announced again). On SQLite and PostgreSQL.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`message:send bursts on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let grid: FirstGrid;
    const sockets: TestSocket[] = [];

    const listen = async (l: string): Promise<Listener> => {
      const socket = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
      sockets.push(socket);
      const heard: MessageView[] = [];
      socket.on('message:created', (m) => heard.push(m));
      return { socket, heard };
    };
    const lastSeq = async (groupId: string) =>
      Number(
        (
          await t.hub.store.db
            .selectFrom('groups')
            .select('last_seq')
            .where('id', '=', groupId)
            .executeTakeFirstOrThrow()
        ).last_seq,
      );
    const storedSeqs = async (groupId: string, after: number) =>
      (
        await t.hub.store.db
          .selectFrom('messages')
          .select('seq')
          .where('group_id', '=', groupId)
          .where('seq', '>', after)
          .orderBy('seq')
          .execute()
      ).map((r) => Number(r.seq));
    /**
     * Resolves once every listener has heard the group up to `last`, checked on each of their
     * `message:created` events (their `heard` already holds it); fails saying who had not after 15 s.
     */
    const heardUpTo = (listeners: Listener[], groupId: string, last: number) =>
      new Promise<void>((resolve, reject) => {
        const upTo = (l: Listener) => l.heard.some((m) => m.groupId === groupId && m.seq === last);
        const behind = () => listeners.flatMap((l, i) => (upTo(l) ? [] : [i]));
        const settle = (end: () => void) => {
          clearTimeout(timer);
          for (const l of listeners) l.socket.off('message:created', check);
          end();
        };
        const check = () => behind().length === 0 && settle(resolve);
        const timer = setTimeout(() => {
          const who = `listeners ${behind().join(', ')} of ${listeners.length}`;
          settle(() => reject(new Error(`${who} did not hear ${groupId} up to seq ${last} within 15 s`)));
        }, 15_000);
        for (const l of listeners) l.socket.on('message:created', check);
        check();
      });
    /** What this listener heard of the group past `after`, as seqs in arrival order. */
    const heardSeqs = (l: Listener, groupId: string, after: number) =>
      l.heard.filter((m) => m.groupId === groupId && m.seq > after).map((m) => m.seq);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      t = await startTestHub({
        databaseUrl: target.url,
        env: { MESSAGE_RATE_STAFF_PER_MINUTE: '1000000', MESSAGE_RATE_RESIDENT_PER_MINUTE: '1000000' },
      });
      grid = await firstGrid(t.hub);
    });
    afterAll(async () => {
      for (const s of sockets) s.disconnect();
      await t?.close();
      await drop?.();
    });

    it('answers every send of a burst to one group once, stores a resent client id once, and everyone hears all in seq order', async () => {
      const members = [
        await listen(grid.officerLogin),
        ...(await Promise.all(grid.residentLogins.slice(0, 3).map(listen))),
      ];
      const before = await lastSeq(grid.groupId);
      const resent = cid();
      // Within each sender's burst allowance (staff 30, residents 6), interleaved so senders share batches.
      const quota = (j: number) => (j === 0 ? 20 : 5);
      const sends: { from: Listener; payload: SendMessagePayload }[] = [];
      for (let k = 0; k < quota(0); k++)
        for (const [j, m] of members.entries())
          if (k < quota(j))
            sends.push({ from: m, payload: { groupId: grid.groupId, clientId: cid(), text: `成员${j}第${k}条` } });
      // The officer's client resends one message before its first answer came.
      const twice = { groupId: grid.groupId, clientId: resent, text: '重发的一条' };
      sends.splice(5, 0, { from: members[0]!, payload: twice }, { from: members[0]!, payload: twice });

      const answers = await Promise.all(sends.map((s) => s.from.socket.emitWithAck('message:send', s.payload)));

      const unique = sends.length - 1;
      const messages = answers.map((a) => {
        if (!a.ok) throw new Error(a.error.message);
        return a;
      });
      const twiceAnswers = messages.filter((a) => a.message.clientId === resent);
      expect(twiceAnswers.map((a) => a.duplicate).sort()).toEqual([false, true]);
      expect(twiceAnswers[0]!.message).toEqual(twiceAnswers[1]!.message);
      // Each send its own message, with its own text, at a seq of this burst.
      for (const [k, a] of messages.entries()) expect(a.message.text).toBe(sends[k]!.payload.text);
      expect(new Set(messages.map((a) => a.message.seq)).size).toBe(unique);
      const last = before + unique;
      expect(await lastSeq(grid.groupId)).toBe(last);
      expect(await storedSeqs(grid.groupId, before)).toEqual(range(before + 1, last));

      await heardUpTo(members, grid.groupId, last);
      // A resend checked after the first one committed is announced again (its first node may have
      // died before announcing; receivers drop a seq they hold): that seq alone may come twice.
      const resentSeq = twiceAnswers[0]!.message.seq;
      for (const m of members) {
        const seqs = heardSeqs(m, grid.groupId, before);
        expect([...new Set(seqs)]).toEqual(range(before + 1, last));
        expect(seqs.filter((seq, k) => seqs.indexOf(seq) !== k && seq !== resentSeq)).toEqual([]);
      }
    });

    it('keeps each group gap-free and in order when a burst goes to several groups at once', async () => {
      const officer = await listen(grid.officerLogin);
      const residents = await Promise.all(grid.residentLogins.slice(0, 2).map(listen));
      const list = await officer.socket.emitWithAck('group:list', {});
      if (!list.ok) throw new Error(list.error.message);
      const groupIds = [grid.groupId, ...list.groups.filter((g) => g.id !== grid.groupId).map((g) => g.id)].slice(0, 4);
      expect(groupIds.length).toBeGreaterThan(2);
      const before = new Map(await Promise.all(groupIds.map(async (g) => [g, await lastSeq(g)] as const)));

      const sends: Promise<unknown>[] = [];
      const sentTo = new Map(groupIds.map((g) => [g, 0]));
      for (let k = 0; k < 5; k++) {
        for (const g of groupIds) {
          sends.push(officer.socket.emitWithAck('message:send', { groupId: g, clientId: cid(), text: `第${k}条` }));
          sentTo.set(g, sentTo.get(g)! + 1);
        }
        for (const r of residents)
          sends.push(
            r.socket.emitWithAck('message:send', { groupId: grid.groupId, clientId: cid(), text: `居民${k}` }),
          );
        sentTo.set(grid.groupId, sentTo.get(grid.groupId)! + residents.length);
      }
      const answers = (await Promise.all(sends)) as { ok: boolean }[];
      expect(answers.every((a) => a.ok)).toBe(true);

      for (const g of groupIds) {
        const from = before.get(g)!;
        const last = from + sentTo.get(g)!;
        expect(await lastSeq(g)).toBe(last);
        expect(await storedSeqs(g, from)).toEqual(range(from + 1, last));
        await heardUpTo([officer], g, last);
        expect(heardSeqs(officer, g, from)).toEqual(range(from + 1, last));
      }
      const gridLast = before.get(grid.groupId)! + sentTo.get(grid.groupId)!;
      await heardUpTo(residents, grid.groupId, gridLast);
      for (const r of residents)
        expect(heardSeqs(r, grid.groupId, before.get(grid.groupId)!)).toEqual(
          range(before.get(grid.groupId)! + 1, gridLast),
        );
    });
  });
}
