import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { provisionGroups } from '../groups/group-provisioning.ts';
import { seedDemo } from '../org/demo-seed.ts';
import type { MessageView, ReportDocument } from '../protocol/index.ts';
import { openStore, type Store } from '../store/database.ts';
import type { Database } from '../store/schema.ts';
import {
  connectSocket,
  demoLogin,
  firstGrid,
  login,
  startTestHub,
  storeDialects,
  type TestHub,
} from '../../test-support/index.ts';
import { seedDemoHistory } from './demo-history.ts';

const DAY = 86_400_000;
/** The digest of the month seeded for NOW; changes only when the planned month does. */
const PINNED_MONTH = 'ed9c870671fc63a78b752e70de842fb607f04e61f9a15262f38dc1564e3b0c25';
const dialects = await storeDialects();

/** Everything the history wrote, by natural keys (unit codes, logins, seq), never by the ids a store hands out. */
async function snapshot(db: Kysely<Database>) {
  const incidents = await db
    .selectFrom('incidents')
    .select(['id', 'number', 'category', 'source', 'place', 'caller', 'summary', 'status', 'reported_at'])
    .orderBy('number')
    .execute();
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'client_id', 'title', 'priority', 'status', 'incident_id', 'created_at', 'ack_due_at'])
    .orderBy('id')
    .execute();
  const receipts = await db
    .selectFrom('order_recipients')
    .select(['order_id', 'user_id', 'state', 'acknowledged_at', 'completed_at', 'feedback', 'escalated_at'])
    .orderBy('order_id')
    .orderBy('user_id')
    .execute();
  const messages = await db
    .selectFrom('messages as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['g.name', 'g.kind', 'm.seq', 'm.sender_id', 'm.text', 'm.created_at'])
    .orderBy('m.sender_id')
    .orderBy('m.client_id')
    .execute();
  const matters = await db
    .selectFrom('matters as x')
    .innerJoin('groups as g', 'g.id', 'x.group_id')
    .select(['g.name', 'x.seq', 'x.title', 'x.status', 'x.answer_seq'])
    .orderBy('g.name')
    .orderBy('x.seq')
    .execute();
  const letters = await db
    .selectFrom('hotline_threads')
    .select(['id', 'resident_id', 'status', 'subject', 'rating_score', 'created_at', 'first_answered_at'])
    .orderBy('id')
    .execute();
  // Numbers as numbers: PostgreSQL's bigint arrives as a string.
  return JSON.parse(
    JSON.stringify({ incidents, orders, receipts, messages, matters, letters }, (_k, v: unknown) =>
      typeof v === 'string' && /^\d{10,}$/.test(v) ? Number(v) : v,
    ),
  ) as Record<string, Record<string, unknown>[]>;
}

/** Every table the history writes, whole rows: what the month is, whichever module writes it. */
const HISTORY_TABLES = [
  'incidents',
  'orders',
  'order_recipients',
  'order_events',
  'matters',
  'hotline_threads',
  'groups',
  'group_members',
  'messages',
  'counters',
] as const;

/**
 * A SHA-256 over every row of the history's tables, rows sorted, the ids a store hands out at random
 * (message ids, grid group ids) replaced by natural keys, order revisions left out: equal digests,
 * the same month.
 */
async function digest(db: Kysely<Database>): Promise<string> {
  const groups = await db.selectFrom('groups').select(['id', 'kind', 'name']).execute();
  const groupKey = new Map(groups.map((g) => [g.id, g.kind === 'hotline' ? g.id : `${g.kind}:${g.name}`]));
  const hash = createHash('sha256');
  for (const table of HISTORY_TABLES) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    const lines = rows
      .map((row) => {
        // The order revision is PostgreSQL's transaction id there: which one, not what, was written.
        const { rev: _rev, ...keyed } = row;
        if (table === 'messages') delete keyed.id;
        if (table === 'groups') keyed.id = groupKey.get(String(row.id));
        if ('group_id' in keyed) keyed.group_id = groupKey.get(String(row.group_id));
        if (table === 'counters' && keyed.name === 'order_rev') keyed.value = null;
        // Columns in name order and numbers as numbers (PostgreSQL's bigint arrives as a string).
        const cells = Object.keys(keyed)
          .sort()
          .map((k) => [k, typeof keyed[k] === 'string' && /^\d+$/.test(keyed[k]) ? Number(keyed[k]) : keyed[k]]);
        return JSON.stringify(cells);
      })
      .sort();
    hash.update(`${table}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

describe('demo history seeding', () => {
  const stores: { store: Store; drop: () => Promise<void>; dir: string }[] = [];
  const NOW = Date.UTC(2026, 10, 23, 1, 30); // 09:30 in Shanghai, a Monday

  async function freshDemo(dialect: (typeof dialects)[number]) {
    const target = await dialect.databaseUrl();
    const dir = mkdtempSync(join(tmpdir(), 'fq-history-'));
    const store = await openStore({ databaseUrl: target.url, dataDir: dir });
    stores.push({ store, drop: target.drop, dir });
    await seedDemo(store.db);
    await provisionGroups(store.db, NOW - 40 * DAY);
    return store;
  }
  const seed = (store: Store, now = NOW) =>
    seedDemoHistory(store.db, { now, timeZone: 'Asia/Shanghai', days: 30, responseMs: 3_600_000 });

  afterAll(async () => {
    for (const s of stores) {
      await s.store.close();
      await s.drop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  });

  it('writes the same rows for the same start day, on SQLite and PostgreSQL alike, and other rows for another day', async () => {
    const available = dialects.filter((d) => d.available);
    const first = await freshDemo(available[0]!);
    const counts = await seed(first);
    expect(counts).toMatchObject({ incidents: expect.any(Number), orders: expect.any(Number) });
    expect(counts!.incidents).toBeGreaterThan(300);
    expect(counts!.letters).toBeGreaterThan(60);
    const expected = await snapshot(first.db);
    for (const dialect of available) {
      const again = await freshDemo(dialect);
      await seed(again);
      expect(await snapshot(again.db), dialect.name).toEqual(expected);
    }
    const otherDay = await freshDemo(available[0]!);
    await seed(otherDay, NOW + DAY);
    expect((await snapshot(otherDay.db)).incidents).not.toEqual(expected.incidents);
  });

  it('seeds the month of a fixed start day row for row as pinned (whichever module writes each table)', async () => {
    for (const dialect of dialects.filter((d) => d.available)) {
      const store = await freshDemo(dialect);
      await seed(store);
      expect(await digest(store.db), dialect.name).toBe(PINNED_MONTH);
    }
  });

  it('keeps every conversation gap-free, in time order, with nothing after the start and read cursors at the end', async () => {
    const store = await freshDemo(dialects[0]!);
    await seed(store);
    const rows = await store.db
      .selectFrom('messages')
      .select(['group_id', 'seq', 'created_at'])
      .orderBy('group_id')
      .orderBy('seq')
      .execute();
    const byGroup = new Map<string, { seq: number; at: number }[]>();
    for (const r of rows)
      byGroup.set(r.group_id, [...(byGroup.get(r.group_id) ?? []), { seq: r.seq, at: r.created_at }]);
    expect(byGroup.size).toBeGreaterThan(20);
    for (const list of byGroup.values()) {
      expect(list.map((m) => Number(m.seq))).toEqual(list.map((_, i) => i + 1));
      expect([...list].sort((a, b) => Number(a.at) - Number(b.at))).toEqual(list);
      expect(Number(list.at(-1)!.at)).toBeLessThan(NOW);
      expect(Number(list[0]!.at)).toBeGreaterThanOrEqual(NOW - 30 * DAY);
    }
    const groups = await store.db.selectFrom('groups').select(['id', 'last_seq']).execute();
    for (const g of groups) expect(Number(g.last_seq)).toBe(byGroup.get(g.id)?.length ?? 0);
    const behind = await store.db
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select('gm.user_id')
      .whereRef('gm.read_seq', '<', 'g.last_seq')
      .execute();
    expect(behind).toEqual([]);
    // Nothing is left for the sweeps to chase in the past: deadlines still ahead are the only ones chased.
    const chased = await store.db
      .selectFrom('order_recipients')
      .select('next_chase_at')
      .where('next_chase_at', 'is not', null)
      .execute();
    for (const c of chased) expect(Number(c.next_chase_at)).toBeGreaterThan(NOW);
  });

  it('leaves each station a calm first look: a few open orders, one or two of them overdue', async () => {
    for (const now of [NOW, NOW + 3 * DAY + 7 * 3_600_000]) {
      const store = await freshDemo(dialects[0]!);
      await seed(store, now);
      const open = await store.db
        .selectFrom('orders as o')
        .innerJoin('order_recipients as r', 'r.order_id', 'o.id')
        .select(['o.scope_unit_id', 'o.id', 'r.state', 'o.ack_due_at', 'o.complete_due_at'])
        .where('o.status', '=', 'active')
        .where('r.state', 'in', ['pending', 'delivered', 'read', 'acknowledged'])
        .execute();
      const stations = new Map<string, { open: Set<string>; late: Set<string> }>();
      for (const r of open) {
        const s = stations.get(r.scope_unit_id) ?? { open: new Set(), late: new Set() };
        stations.set(r.scope_unit_id, s);
        s.open.add(r.id);
        const due = r.state === 'acknowledged' ? r.complete_due_at : r.ack_due_at;
        if (Number(due) < now) s.late.add(r.id);
      }
      const units = await store.db.selectFrom('units').select('id').where('kind', '=', 'station').execute();
      expect(stations.size).toBe(units.length);
      for (const s of stations.values()) {
        expect(s.open.size).toBeLessThanOrEqual(5);
        expect(s.late.size).toBeGreaterThanOrEqual(1);
        expect(s.late.size).toBeLessThanOrEqual(2);
      }
    }
  });

  it('adds nothing to a store that is not a demo store, or that already holds its history', async () => {
    const store = await freshDemo(dialects[0]!);
    expect(await seed(store)).not.toBeNull();
    expect(await seed(store, NOW + 3 * DAY)).toBeNull();
    const bare = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'fq-history-')) });
    stores.push({ store: bare, drop: async () => {}, dir: '' });
    expect(await seed(bare)).toBeNull();
    expect(await bare.db.selectFrom('incidents').select('id').execute()).toEqual([]);
  });

  it('refuses a history length out of range at start-up', () => {
    expect(() => loadConfig({ DEMO_HISTORY_DAYS: '91' })).toThrow(/DEMO_HISTORY_DAYS/);
    expect(() => loadConfig({ DEMO_HISTORY_DAYS: 'a month' })).toThrow(/DEMO_HISTORY_DAYS/);
    expect(loadConfig({}).demoHistoryDays).toBe(30);
  });
});

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`a demo hub with a month of history on ${dialect.name}`, () => {
    let t: TestHub;
    let databaseUrl: string | undefined;
    let drop: () => Promise<void>;
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-history-hub-'));

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      databaseUrl = target.url;
      drop = target.drop;
      t = await startTestHub({ databaseUrl, dataDir, historyDays: 30 });
    });
    afterAll(async () => {
      await t.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function request(loginName: string, body: object): Promise<ReportDocument> {
      const { cookie } = await login(t.url, loginName);
      const res = await fetch(`${t.url}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.url, cookie },
        body: JSON.stringify(body),
      });
      const out = (await res.json()) as { ok: boolean; report: ReportDocument };
      if (!out.ok) throw new Error(JSON.stringify(out));
      return out.report;
    }

    it("gives the station head a first morning briefing and yesterday's daily report with the station's figures", async () => {
      const head = await demoLogin(t.hub, 'station_head');
      const { body } = await login(t.url, head);
      const stationId = body.me.unit.id;
      for (const kind of ['briefing', 'daily'] as const) {
        const { figures } = await request(head, { kind, unitId: stationId });
        expect(figures.incidents.total.current, kind).toBeGreaterThan(0);
        expect(figures.incidents.total.previous, kind).toBeGreaterThan(0);
        expect(figures.orders.issued.current, kind).toBeGreaterThan(0);
        expect(figures.orders.acknowledged, kind).toBeGreaterThan(0);
        expect(figures.groups.messages.current, kind).toBeGreaterThan(0);
        expect(figures.hotline).toMatchObject({ available: true, figures: { total: expect.any(Number) } });
        if (figures.hotline.available) expect(figures.hotline.figures.total, kind).toBeGreaterThan(0);
      }
      // The last whole month lies at least partly inside the 30 days: never a month of zeros.
      const { figures: month } = await request(head, { kind: 'monthly', unitId: stationId });
      expect(month.incidents.total.current).toBeGreaterThan(0);
    });

    it('shows a resident the grid group history of the whole month over Socket.IO, gap-free', async () => {
      const grid = await firstGrid(t.hub);
      const socket = await connectSocket(t.url, { cookie: (await login(t.url, grid.residentLogins[0]!)).cookie });
      try {
        const got: MessageView[] = [];
        let cursor = 0;
        for (;;) {
          const page = await socket.emitWithAck('group:sync', { cursors: { [grid.groupId]: cursor }, limit: 200 });
          if (!page.ok) throw new Error(page.error.message);
          got.push(...page.messages.filter((m) => m.groupId === grid.groupId));
          if (page.messages.length) cursor = page.messages.at(-1)!.seq;
          if (!page.more) break;
        }
        expect(got.length).toBeGreaterThan(20);
        expect(got.map((m) => m.seq)).toEqual(got.map((_, i) => i + 1));
        expect(got[0]!.createdAt).toBeLessThan(Date.now() - 20 * DAY);
        expect(got.some((m) => m.sender.role === 'officer')).toBe(true);
        expect(got.some((m) => m.sender.role === 'resident')).toBe(true);
      } finally {
        socket.close();
      }
    });

    it('adds no second month when the hub restarts on the same store', async () => {
      const count = async (table: 'incidents' | 'orders' | 'messages' | 'hotline_threads' | 'matters') =>
        Number(
          (
            await t.hub.store.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const tables = ['incidents', 'orders', 'messages', 'hotline_threads', 'matters'] as const;
      const before = await Promise.all(tables.map(count));
      expect(before.every((n) => n > 0)).toBe(true);
      await t.close();
      t = await startTestHub({ databaseUrl, dataDir, historyDays: 30 });
      expect(await Promise.all(tables.map(count))).toEqual(before);
    });
  });
}

describe('a production hub', () => {
  it('gets no history, whatever DEMO_HISTORY_DAYS says', async () => {
    const t = await startTestHub({ demo: false, historyDays: 30 });
    try {
      expect(await t.hub.store.db.selectFrom('incidents').select('id').execute()).toEqual([]);
      expect(await t.hub.store.db.selectFrom('messages').select('id').execute()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
