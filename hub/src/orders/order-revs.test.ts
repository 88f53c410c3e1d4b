import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seededStore } from '../../test-support/seeded-store.ts';
import { storeDialects } from '../../test-support/services.ts';
import type { Store } from '../store/database.ts';
import { liftRevBase, revHorizon, storedRevTop, takeRev } from './order-revs.ts';

/** A write transaction that took its rev and stays open until `commit` is called. */
function heldWrite(store: Store) {
  let commit!: () => void;
  const released = new Promise<void>((r) => (commit = r));
  let took!: (rev: number) => void;
  const rev = new Promise<number>((r) => (took = r));
  const done = store.db.transaction().execute(async (trx) => {
    took(await takeRev(trx));
    await released;
  });
  return { rev, commit: async () => (commit(), await done) };
}

/** A plan node of EXPLAIN (FORMAT JSON), with what it read. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}
const planNodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(planNodes)];

/** 1,000 orders × 100 people = 100,000 completed assignments at low revs, written in the store. */
async function storeLongHistory(store: Store): Promise<void> {
  const db = store.db;
  const issuer = await db.selectFrom('users').select(['id', 'unit_id']).executeTakeFirstOrThrow();
  await sql`insert into orders (id, issuer_id, client_id, scope_unit_id, title, body, priority, status, targets,
      ack_due_at, complete_due_at, rev, created_at, updated_at)
    select 'long-' || g, ${issuer.id}, 'long-' || g, ${issuer.unit_id}, '历史指令', '', 'routine', 'active', '[]',
      0, 0, g, 0, 0
    from generate_series(1, 1000) g`.execute(db);
  await sql`insert into order_recipients (order_id, user_id, state, rev)
    select o.id, u.id, 'completed', o.rev
    from orders o cross join (select id from users order by id limit 100) u
    where o.id like 'long-%'`.execute(db);
  await sql`analyze orders`.execute(db);
  await sql`analyze order_recipients`.execute(db);
}

/** An order row last changed at `rev`, as a restored store holds them. */
async function storeOrderAt(store: Store, rev: number): Promise<void> {
  const issuer = await store.db.selectFrom('users').select(['id', 'unit_id']).executeTakeFirstOrThrow();
  await store.db
    .insertInto('orders')
    .values({
      id: `restored-${rev}`,
      issuer_id: issuer.id,
      client_id: `restored-${rev}`,
      scope_unit_id: issuer.unit_id,
      parent_order_id: null,
      incident_id: null,
      title: '恢复的指令',
      body: '',
      priority: 'routine',
      status: 'active',
      targets: '[]',
      ack_due_at: 0,
      complete_due_at: 0,
      cancel_reason: null,
      rev,
      created_at: 0,
      updated_at: 0,
    })
    .execute();
}

const write = (store: Store) => store.db.transaction().execute((trx) => takeRev(trx));

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`order revisions on ${dialect.name}`, () => {
    const store = seededStore(dialect, 'revs');

    it('rise with every write, and the horizon covers a committed write', async () => {
      const first = await write(store());
      const second = await write(store());
      expect(second).toBeGreaterThan(first);
      const h = await revHorizon(store().db);
      expect(h.complete).toBeGreaterThanOrEqual(second);
      expect(h.issued).toBeGreaterThanOrEqual(h.complete);
    });

    it.skipIf(dialect.name !== 'postgres')(
      'the horizon stays below a write still in flight, though a later one committed, and passes it once it commits',
      async () => {
        const slow = heldWrite(store());
        const early = await slow.rev;
        const late = await write(store());
        expect(late).toBeGreaterThan(early);
        expect((await revHorizon(store().db)).complete).toBeLessThan(early);
        await slow.commit();
        expect((await revHorizon(store().db)).complete).toBeGreaterThanOrEqual(late);
      },
    );

    it.skipIf(dialect.name !== 'postgres')(
      'a store restored with revs above what this cluster would hand out is lifted above them at start-up',
      async () => {
        const now = await write(store());
        await storeOrderAt(store(), now);
        // As after restoring a dump from a cluster whose transaction ids ran far ahead of this one's.
        await sql`update counters set value = value - 1000000 where name = 'order_rev'`.execute(store().db);
        expect(await write(store())).toBeLessThan(now);
        await liftRevBase(store().db);
        expect(await write(store())).toBeGreaterThan(now);
        // In normal running it changes nothing.
        const base = await store().db.selectFrom('counters').select('value').where('name', '=', 'order_rev').execute();
        await liftRevBase(store().db);
        expect(
          await store().db.selectFrom('counters').select('value').where('name', '=', 'order_rev').execute(),
        ).toEqual(base);
      },
    );

    it.skipIf(dialect.name !== 'postgres')(
      'reads the highest stored rev at start-up off the rev indexes: a few rows, however long the history',
      async () => {
        await storeLongHistory(store());
        const { rows } = await sql<{
          'QUERY PLAN': [{ Plan: PlanNode }];
        }>`explain (analyze, format json) ${storedRevTop}`.execute(store().db);
        const nodes = planNodes(rows[0]!['QUERY PLAN'][0].Plan);
        const scans = nodes.filter((n) => n['Relation Name'] === 'order_recipients' || n['Relation Name'] === 'orders');
        const recipients = await store()
          .db.selectFrom('order_recipients')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(recipients.n)).toBeGreaterThanOrEqual(100_000);
        expect(scans.map((n) => n['Node Type']).sort()).toEqual(['Index Only Scan', 'Index Only Scan']);
        // Each probe reads the index's last entry, not the table: rows read stay a handful.
        const read = scans.reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), 0);
        expect(read).toBeLessThanOrEqual(4);
      },
    );
  });
}
