import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDialects } from '../../test-support/index.ts';
import { groupIdsQuery } from '../conversations/conversation-queries.ts';
import { createMessageLog } from '../conversations/message-log.ts';
import { createMessageSync } from '../conversations/message-sync.ts';
import { provisionGroups } from '../groups/group-provisioning.ts';
import { seedDemo } from '../org/demo-seed.ts';
import { batchedLookup } from './batched-lookup.ts';
import { openStore, type Store } from './database.ts';

/**
 * Reads that many sockets ask for at once (a reconnect storm: every member's groups, every
 * group's counters) are shared by the askers of one turn of the event loop, on a real store of
 * each dialect: fewer statements, and each asker still gets its own answer.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`reads shared by a turn's askers on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let statements = 0;
    const dir = mkdtempSync(join(tmpdir(), 'fq-batched-'));
    /** Person ids with their active groups (hotline threads excluded), read one by one as the truth. */
    const truth = new Map<string, string[]>();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      store = await openStore({ databaseUrl: target.url, dataDir: dir, onQuery: () => (statements += 1) });
      await seedDemo(store.db);
      await provisionGroups(store.db);
      const rows = await store.db
        .selectFrom('group_members as gm')
        .innerJoin('groups as g', 'g.id', 'gm.group_id')
        .select(['gm.user_id', 'gm.group_id'])
        .where('gm.status', '=', 'active')
        .where('g.kind', '!=', 'hotline')
        .execute();
      for (const r of rows) truth.set(r.user_id, [...(truth.get(r.user_id) ?? []), r.group_id]);
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const counted = async <T>(work: () => Promise<T>) => {
      const start = statements;
      const out = await work();
      return { out, statements: statements - start };
    };

    it('answers the groups of people asking in one turn with one statement, each person their own', async () => {
      const groupIdsOf = groupIdsQuery(store.db);
      const people = [...truth.keys()].slice(0, 40);
      expect(people.length).toBe(40);
      const asked = [...people, people[0]!, 'nobody-here'];
      const { out, statements: n } = await counted(() => Promise.all(asked.map(groupIdsOf)));
      expect(n).toBe(1);
      asked.forEach((id, i) => expect([...out[i]!].sort()).toEqual([...(truth.get(id) ?? [])].sort()));
      // One asker alone is one statement too, as before the sharing.
      expect((await counted(() => groupIdsOf(people[1]!))).statements).toBe(1);
    });

    it('splits more askers than one read takes into a few reads', async () => {
      const groupIdsOf = groupIdsQuery(store.db);
      const known = [...truth.keys()];
      const asked = [...known, ...Array.from({ length: 300 - known.length }, (_, i) => `absent-${i}`)];
      const { out, statements: n } = await counted(() => Promise.all(asked.map(groupIdsOf)));
      expect(n).toBe(2); // 256 people a read at most
      expect(out.slice(known.length).every((ids) => ids.length === 0)).toBe(true);
      expect([...out[0]!].sort()).toEqual([...truth.get(known[0]!)!].sort());
    });

    it('reads the counters of a group once for all its members catching up together, each answered from its cursor', async () => {
      const syncAfter = createMessageSync(store.db);
      const [senderId, groups] = [...truth].find(([, ids]) => ids.length > 0)!;
      const groupId = groups[0]!;
      const log = createMessageLog({ db: store.db, now: Date.now });
      for (const text of ['一', '二', '三']) await log.append({ groupId, senderId, clientId: `batched-${text}`, text });
      const { last_seq: last } = await store.db
        .selectFrom('groups')
        .select('last_seq')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow();
      // Members behind by different amounts, plus one who holds everything.
      const cursors = [0, Number(last) - 1, Number(last)];
      const alone = await Promise.all(cursors.map((c) => syncAfter([[groupId, c]], {}, 100)));
      const { out, statements: n } = await counted(() =>
        Promise.all(cursors.map((c) => syncAfter([[groupId, c]], {}, 100))),
      );
      expect(out).toEqual(alone);
      expect(out.map((a) => a.messages.length)).toEqual([Math.min(100, Number(last)), 1, 0]);
      // One counters read for the three; the two ranges read (and kept) before are not read again.
      expect(n).toBe(1);

      // Members with the same cursor, whose range nobody read yet: one counters read, one messages read.
      await log.append({ groupId, senderId, clientId: 'batched-四', text: '四' });
      const same = await counted(() =>
        Promise.all(Array.from({ length: 5 }, () => syncAfter([[groupId, Number(last)]], {}, 100))),
      );
      expect(same.out.map((a) => a.messages.map((m) => m.text))).toEqual(Array.from({ length: 5 }, () => ['四']));
      expect(same.statements).toBe(2);
    });
  });
}

describe('batched lookup', () => {
  it('fails every lookup of a failed read, and the next lookups read anew', async () => {
    let reads = 0;
    const lookup = batchedLookup<number>({
      max: 10,
      missing: 0,
      read: async (keys) => {
        reads += 1;
        if (reads === 1) throw new Error('store gone');
        return new Map(keys.map((k) => [k, k.length]));
      },
    });
    const failed = await Promise.allSettled([lookup('a'), lookup('bb'), lookup('a')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await Promise.all([lookup('a'), lookup('bb')])).toEqual([1, 2]);
    expect(reads).toBe(2);
  });

  it('reads each key once however many ask, at most `max` keys a read', async () => {
    const reads: string[][] = [];
    const lookup = batchedLookup<string>({
      max: 2,
      missing: 'none',
      read: async (keys) => {
        reads.push(keys);
        return new Map(keys.filter((k) => k !== 'c').map((k) => [k, k.toUpperCase()]));
      },
    });
    expect(await Promise.all(['a', 'b', 'a', 'c', 'b'].map(lookup))).toEqual(['A', 'B', 'A', 'none', 'B']);
    expect(reads).toEqual([['a', 'b'], ['c']]);
  });
});
