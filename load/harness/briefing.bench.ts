import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTempPostgres, serviceAvailable } from '@fengqiao/hub/test-support';
import type { Actor } from '../../hub/src/auth/permissions.ts';
import { provisionGroups } from '../../hub/src/groups/group-provisioning.ts';
import { hotlineFigures } from '../../hub/src/hotline/hotline-figures.ts';
import { newId } from '../../hub/src/ids.ts';
import { seedDemo } from '../../hub/src/org/demo-seed.ts';
import { createReportService } from '../../hub/src/reports/report.service.ts';
import { openStore, type Store } from '../../hub/src/store/database.ts';
import type { Database, NewRow } from '../../hub/src/store/schema.ts';
import { createExtractiveSummariser, topTopics } from '../../bots/src/summarise/index.ts';

/**
 * Time to build a station's morning briefing with a year of history behind it (about 2,200
 * incidents, 50,000 order receipts, 200,000 grid-group messages), on the embedded store and on
 * PostgreSQL: the hub's figures (every SQL aggregate), then the bot's part (fetch the busiest
 * conversations and summarise them). Baseline in the same run: one full count of the messages
 * table, so the ratio says how many table scans' worth a briefing costs on this machine.
 *
 *   pnpm --filter @fengqiao/load bench:briefing   (ROUNDS=7 rounds after a warm-up; MSGS= scales the messages)
 */
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const INCIDENTS = 2_200;
const RECEIPTS = 50_000;
const PER_ORDER = 3;
const MESSAGES = Number(process.env.MSGS ?? 200_000);
const MATTERS = 600;
const DAY = 86_400_000;
const TEXTS = [
  '小区东门的路灯坏了一个星期，晚上回家很黑。',
  '三号楼下面有人乱停车，消防通道被堵住了。',
  '物业说明天上午派电工来修路灯。',
  '楼上装修噪音太大，中午都没法休息。',
  '社区民警已经到现场劝离车辆，谢谢大家配合。',
  '菜市场门口有人推销保健品，请老人注意防骗。',
  '电动车不要在楼道里充电，注意消防安全。',
  '收到，我们马上安排网格员去核实情况。',
];

function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Db = Store['db'];
/** A row to insert (the bench fills every column itself; columns with a store default may be left out). */
type Row<T extends keyof Database> = NewRow<T>;

async function insertAll<T extends keyof Database>(db: Db, table: T, rows: Row<T>[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + 500) as never)
        .execute();
  });
}

/** Fills the first station with a year of history ending at `now`. */
async function seedYear(db: Db, now: number) {
  const rand = rng(2026);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const at = () => now - Math.floor(rand() * 365 * DAY);
  const station = await db
    .selectFrom('units')
    .select(['id', 'path'])
    .where('kind', '=', 'station')
    .orderBy('sort')
    .executeTakeFirstOrThrow();
  const people = await db
    .selectFrom('users as u')
    .innerJoin('units as un', 'un.id', 'u.unit_id')
    .select(['u.id', 'u.role'])
    .where('un.path', 'like', `${station.path}%`)
    .execute();
  const dispatcher = people.find((p) => p.role === 'dispatcher')!;
  const staff = people.filter((p) => ['officer', 'auxiliary', 'grid_worker'].includes(p.role));
  const speakers = people.filter((p) => ['resident', 'grid_worker', 'officer'].includes(p.role));
  const grids = await db
    .selectFrom('groups as g')
    .innerJoin('units as u', 'u.id', 'g.unit_id')
    .select('g.id')
    .where('g.kind', '=', 'grid')
    .where('u.path', 'like', `${station.path}%`)
    .execute();
  const categories = [
    'criminal',
    'public_order',
    'public_order',
    'assistance',
    'assistance',
    'assistance',
    'traffic',
    'dispute',
    'other',
  ];

  await insertAll(
    db,
    'incidents',
    Array.from({ length: INCIDENTS }, (_, i) => {
      const t = at();
      return {
        id: newId(),
        station_id: station.id,
        number: `B-${i}`,
        client_id: `bench-inc-${i}`,
        created_by: dispatcher.id,
        reported_at: t,
        category: pick(categories),
        source: 'call_110',
        place: '某路',
        caller: null,
        summary: '警情摘要',
        status: rand() < 0.95 ? 'closed' : 'received',
        created_at: t,
        updated_at: t,
      };
    }),
  );
  const orders: Row<'orders'>[] = [];
  const recipients: Row<'order_recipients'>[] = [];
  for (let o = 0; recipients.length < RECEIPTS; o++) {
    const t = at();
    const id = newId();
    orders.push({
      id,
      issuer_id: dispatcher.id,
      client_id: `bench-ord-${o}`,
      scope_unit_id: station.id,
      parent_order_id: null,
      incident_id: null,
      title: `指令 ${o}`,
      body: '核查',
      priority: 'routine',
      status: 'active',
      targets: '[]',
      ack_due_at: t + 30 * 60_000,
      complete_due_at: t + 8 * 3600_000,
      cancel_reason: null,
      rev: o + 1,
      created_at: t,
      updated_at: t,
    });
    for (const u of new Set(Array.from({ length: PER_ORDER }, () => pick(staff).id))) {
      const ack = rand() < 0.97 ? t + Math.floor(rand() * 50 * 60_000) : null;
      const done = ack !== null && rand() < 0.95 ? ack + Math.floor(rand() * 10 * 3600_000) : null;
      recipients.push({
        order_id: id,
        user_id: u,
        state: done ? 'completed' : ack ? 'acknowledged' : 'delivered',
        delivered_at: t,
        read_at: null,
        acknowledged_at: ack,
        completed_at: done,
        returned_at: null,
        feedback: null,
        ack_reminders: 0,
        complete_reminders: 0,
        next_chase_at: null,
        escalated_at: null,
        rev: o + 1,
      });
    }
  }
  await insertAll(db, 'orders', orders);
  await insertAll(db, 'order_recipients', recipients);
  const times = Array.from({ length: MESSAGES }, at).sort((a, b) => a - b);
  const seqs = new Map<string, number>();
  const messages: Row<'messages'>[] = times.map((t, i) => {
    const group = pick(grids).id;
    const seq = (seqs.get(group) ?? 0) + 1;
    seqs.set(group, seq);
    return {
      id: newId(),
      group_id: group,
      seq,
      sender_id: pick(speakers).id,
      client_id: `bench-msg-${i}`,
      text: pick(TEXTS),
      reply_to_seq: null,
      status: 'ok',
      created_at: t,
      changed_at: null,
      mentions: null,
      image_id: null,
    };
  });
  await insertAll(db, 'messages', messages);
  for (const [g, seq] of seqs) await db.updateTable('groups').set({ last_seq: seq }).where('id', '=', g).execute();
  await insertAll(
    db,
    'matters',
    Array.from({ length: MATTERS }, (_, i) => {
      const t = at();
      return {
        id: newId(),
        group_id: pick(grids).id,
        seq: 1,
        client_id: `bench-mat-${i}`,
        category: pick(['dispute', 'safety', 'help'] as const),
        title: `事项 ${i}`,
        status: pick(['open', 'resolved', 'resolved', 'handed_off'] as const),
        assignee_id: null,
        department: null,
        answer_seq: null,
        created_by: dispatcher.id,
        created_at: t,
        updated_at: t,
      };
    }),
  );
  return { stationId: station.id, receipts: recipients.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchDialect(name: 'sqlite' | 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-briefing-'));
  const pg = name === 'postgres' ? await createTempPostgres() : undefined;
  let store: Store | undefined;
  try {
    store = await openStore({ databaseUrl: pg?.url, dataDir: dir });
    await seedDemo(store.db);
    await provisionGroups(store.db);
    const now = Date.now();
    const seedStart = performance.now();
    const { stationId, receipts } = await seedYear(store.db, now);
    const seedMs = performance.now() - seedStart;
    const bot = await store.db
      .selectFrom('users')
      .select(['id', 'role', 'unit_id'])
      .where('role', '=', 'bot')
      .executeTakeFirstOrThrow();
    const actor: Actor = { id: bot.id, role: bot.role, unitId: bot.unit_id };
    let clock = now;
    const db = store.db;
    const reports = createReportService({
      db,
      notify: { reportCreated: () => {} },
      defaults: { briefingTime: '07:30', timeZone: 'Asia/Shanghai' },
      hotline: (ids, from, to) => hotlineFigures(db, ids, from, to),
      now: () => clock,
    });
    const summariser = createExtractiveSummariser();
    const figuresMs: number[] = [];
    const fullMs: number[] = [];
    const baselineMs: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      clock = now + round * 60_000;
      const b0 = performance.now();
      await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      const b1 = performance.now();
      const { report } = await reports.request(actor, { kind: 'briefing', unitId: stationId });
      const t1 = performance.now();
      const conversations = await reports.conversations(actor, report.id);
      const summaries = {
        conversations: [] as { groupId: string; sentences: { text: string; sources: string[] }[] }[],
        topics: topTopics(
          conversations.flatMap((c) => c.messages),
          8,
        ),
      };
      for (const c of conversations)
        summaries.conversations.push({
          groupId: c.groupId,
          sentences: (await summariser.summarise(c.messages, { maxSentences: 3 })).sentences,
        });
      await reports.storeSummaries(actor, report.id, summaries);
      const t2 = performance.now();
      // Round 0 warms caches and prepared plans; it is not counted.
      if (round === 0) continue;
      baselineMs.push(b1 - b0);
      figuresMs.push(t1 - b1);
      fullMs.push(t2 - b1);
    }
    const last = await reports.list(actor, { unitId: stationId, kind: 'briefing', limit: 1 });
    const doc = await reports.get(actor, last[0]!.id);
    return {
      dialect: name,
      seeded: { incidents: INCIDENTS, receipts, messages: MESSAGES, seedSeconds: Math.round(seedMs / 100) / 10 },
      briefingMessages: doc.figures.groups.messages.current,
      rounds: ROUNDS,
      figuresMs: { median: Math.round(median(figuresMs)), max: Math.round(Math.max(...figuresMs)) },
      withSummariesMs: { median: Math.round(median(fullMs)), max: Math.round(Math.max(...fullMs)) },
      baselineFullCountMs: Math.round(median(baselineMs) * 10) / 10,
      ratioToBaseline: Math.round((median(fullMs) / median(baselineMs)) * 10) / 10,
      target: 'under 2000 ms',
      met: Math.max(...fullMs) < 2000,
    };
  } finally {
    await store?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [await benchDialect('sqlite')];
if (await serviceAvailable('postgres')) results.push(await benchDialect('postgres'));
console.log(JSON.stringify(results, null, 2));
