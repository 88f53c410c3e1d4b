import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTempPostgres, serviceAvailable } from '@fengqiao/hub/test-support';
import { addMembers, openConversation } from '../../hub/src/conversations/conversation-members.ts';
import { groupIdsQuery } from '../../hub/src/conversations/conversation-queries.ts';
import { appendHistory } from '../../hub/src/conversations/message-log.ts';
import { createMessagePipeline } from '../../hub/src/conversations/message-pipeline.ts';
import { newId } from '../../hub/src/ids.ts';
import type { SyncAnswer } from '../../hub/src/protocol/index.ts';
import { openStore, type Store } from '../../hub/src/store/database.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { median, summarize, type Summary } from './stats.ts';
import { log, publish, runBench } from './bench-run.ts';

/**
 * Catch-up (`group:sync`, the hotline's sync: the same pipeline) for one person in 500 groups, on
 * the embedded store and on PostgreSQL: the hub's sync beside a baseline in the same run, the
 * per-cursor path the hub had before (issue #18): a read of the groups' counters, then one query
 * per cursor and one per group with edits. Both answer the same requests; the bench checks that
 * they answer the same rows. Rounds alternate which side goes first (ABBA).
 *
 *   pnpm --filter @fengqiao/load bench:group-sync   (GROUPS=500, MSGS=20 per group, ROUNDS=6, ITER=15)
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GROUPS = Number(process.env.GROUPS ?? 500);
const MSGS = Number(process.env.MSGS ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const ITER = Number(process.env.ITER ?? 15);
/** Every tenth group has one recalled message, so change cursors matter. */
const EDITED_EVERY = 10;

type Db = Store['db'];
type Req = { cursors: Record<string, number>; changes?: Record<string, number>; limit?: number };

/** The per-cursor path, as the hub ran it before: counters, then per cursor its messages, then its edits. */
async function perCursorSync(db: Db, req: Req): Promise<SyncAnswer> {
  const limit = req.limit ?? 500;
  const changes = req.changes ?? {};
  const out: SyncAnswer = { messages: [], edits: [], changes: {}, more: false };
  const cursors = Object.entries(req.cursors);
  const counts = await db
    .selectFrom('groups')
    .select(['id', 'change_seq'])
    .where(
      'id',
      'in',
      cursors.map(([g]) => g),
    )
    .execute();
  const upTo = new Map(counts.map((c) => [c.id, Number(c.change_seq)]));
  const room = () => limit - out.messages.length - out.edits.length;
  for (const [groupId, cursor] of cursors) {
    const fresh = await db
      .selectFrom('messages as m')
      .innerJoin('users as u', 'u.id', 'm.sender_id')
      .leftJoin('images as i', 'i.id', 'm.image_id')
      .select(['m.id', 'm.group_id', 'm.seq', 'm.client_id', 'm.text', 'm.reply_to_seq', 'm.mentions', 'm.status'])
      .select(['m.created_at', 'm.change_seq', 'u.id as sender_id', 'u.name as sender_name', 'u.role as sender_role'])
      .select(['i.id as image_id', 'i.width as image_width', 'i.height as image_height', 'i.mime as image_mime'])
      .where('m.group_id', '=', groupId)
      .where('m.seq', '>', cursor)
      .orderBy('m.seq')
      .limit(room() + 1)
      .execute();
    const rows = fresh.slice(0, room());
    // The message as clients get it (the same fields the hub presents).
    for (const r of rows)
      out.messages.push({
        id: r.id,
        groupId: r.group_id,
        seq: r.seq,
        sender: { id: r.sender_id, name: r.sender_name, role: r.sender_role },
        clientId: r.client_id,
        text: r.status === 'ok' ? r.text : '',
        replyToSeq: r.reply_to_seq,
        mentions: r.mentions ? (JSON.parse(r.mentions) as string[]) : [],
        mentionAll: false,
        image: null,
        status: r.status,
        createdAt: r.created_at,
        changeSeq: r.change_seq,
      });
    if (fresh.length > rows.length) return { ...out, more: true };
    const since = changes[groupId] ?? 0;
    const last = upTo.get(groupId) ?? 0;
    if (last > since) {
      const edited = await db
        .selectFrom('messages')
        .select(['id', 'seq', 'status', 'change_seq'])
        .where('group_id', '=', groupId)
        .where('seq', '<=', cursor)
        .where('change_seq', '>', since)
        .where('change_seq', '<=', last)
        .orderBy('change_seq')
        .limit(room() + 1)
        .execute();
      const given = edited.slice(0, room());
      out.edits.push(
        ...given.map((r) => ({ groupId, id: r.id, seq: r.seq, status: r.status, changeSeq: r.change_seq! })),
      );
      if (edited.length > given.length) return { ...out, more: true };
    }
    out.changes[groupId] = last;
  }
  return out;
}

/** What must agree between the two sides: which messages and edits, in which order, and whether there is more. */
const shape = (a: SyncAnswer) =>
  JSON.stringify([a.messages.map((m) => `${m.groupId}:${m.seq}`), a.edits.map((e) => e.id), a.more]);

interface CaseResult {
  name: string;
  rows: number;
  baseline: { time: Summary; queries: number }[];
  hub: { time: Summary; queries: number }[];
}

async function runDialect(dialect: Store['dialect']) {
  const dir = mkdtempSync(join(tmpdir(), 'fq-bench-sync-'));
  const pg = dialect === 'postgres' ? await createTempPostgres() : undefined;
  let queries = 0;
  const store = await openStore({ databaseUrl: pg?.url, dataDir: dir, onQuery: () => void (queries += 1) });
  try {
    const db = store.db;
    const at = Date.now();
    const people = [newId(), newId()];
    const unitId = newId();
    await db
      .insertInto('units')
      .values({
        id: unitId,
        parent_id: null,
        kind: 'squad',
        name: '同步压测',
        code: unitId,
        path: `/${unitId}/`,
        sort: 0,
        created_at: at,
      })
      .execute();
    await db
      .insertInto('users')
      .values(
        people.map((id, i) => ({
          id,
          login: `bench-sync-${i}-${id}`,
          name: `同步压测${i + 1}`,
          display_name: `同步压测${i + 1}`,
          role: 'officer' as const,
          rank: null,
          unit_id: unitId,
          phone: null,
          password_hash: null,
          disabled_at: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    const [reader, writer] = people as [string, string];
    const groups: string[] = [];
    log(`${dialect}: ${GROUPS} groups × ${MSGS} messages`);
    await db.transaction().execute(async (trx) => {
      for (let g = 0; g < GROUPS; g++) {
        const id = newId();
        groups.push(id);
        await openConversation(trx, { id, kind: 'squad', name: `压测群 ${g + 1}`, at });
        await addMembers(trx, id, people, { at });
        await appendHistory(
          trx,
          id,
          Array.from({ length: MSGS }, (_, k) => ({ senderId: writer, clientId: newId(), text: `消息 ${k + 1}`, at })),
        );
      }
    });
    const pipeline = createMessagePipeline({
      db,
      rates: { staffPerMinute: 1e6, staffBurst: 1e6, residentPerMinute: 1, residentBurst: 1 },
    });
    for (let g = 0; g < GROUPS; g += EDITED_EVERY) await pipeline.takeBack(groups[g]!, 3, () => 'recalled');
    const changeSeqs = Object.fromEntries(groups.map((g, i) => [g, i % EDITED_EVERY === 0 ? 1 : 0]));
    const at_ = (seq: number) => Object.fromEntries(groups.map((g) => [g, seq]));
    const cases: { name: string; req: Req }[] = [
      {
        name: 'reconnect, nothing new (cursors at the last seq, change cursors held)',
        req: { cursors: at_(MSGS), changes: changeSeqs },
      },
      {
        name: 'reconnect, 2 new in every group (limit 1,000)',
        req: { cursors: at_(MSGS - 2), changes: changeSeqs, limit: 1000 },
      },
      {
        name: 'reconnect, 2 new in every group, edits not yet seen (limit 1,000)',
        req: { cursors: at_(MSGS - 2), limit: 1000 },
      },
      { name: 'first sync, every cursor 0 (default limit 500: the page fills early)', req: { cursors: at_(0) } },
    ];
    const groupIdsOf = groupIdsQuery(db);
    const readable = async () => new Set(await groupIdsOf(reader));
    const sides = {
      baseline: async (req: Req) => perCursorSync(db, req),
      hub: async (req: Req) => pipeline.sync(await readable(), req),
    };
    const results: CaseResult[] = [];
    for (const c of cases) {
      const [a, b] = [await sides.baseline(c.req), await sides.hub(c.req)];
      if (shape(a) !== shape(b)) throw new Error(`${dialect} "${c.name}": the hub and the baseline answer differently`);
      const r: CaseResult = { name: c.name, rows: b.messages.length + b.edits.length, baseline: [], hub: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order =
          round % 4 === 0 || round % 4 === 3 ? (['baseline', 'hub'] as const) : (['hub', 'baseline'] as const);
        for (const side of order) {
          const times: number[] = [];
          const q0 = queries;
          for (let i = 0; i < ITER; i++) {
            const t0 = performance.now();
            await sides[side](c.req);
            times.push(performance.now() - t0);
          }
          r[side].push({ time: summarize(times), queries: (queries - q0) / ITER });
        }
      }
      const ratio = median(r.hub.map((h, i) => h.time.p50 / r.baseline[i]!.time.p50));
      log(`  ${c.name}: ${r.rows} rows; hub / per-cursor p50 ${ratio.toFixed(2)}`);
      results.push(r);
    }
    return { dialect, results };
  } finally {
    await store.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const f = (v: number, d = 1) => v.toFixed(d);
const range = (xs: number[]) => `${f(Math.min(...xs), 2)}–${f(Math.max(...xs), 2)}`;

function table(run: Awaited<ReturnType<typeof runDialect>>): string[] {
  const lines = [
    `### ${run.dialect}`,
    '',
    '| case | rows answered | per-cursor p50 / p99 (ms) | hub p50 / p99 (ms) | hub / per-cursor p50: median of rounds (min–max) | store queries per sync, per-cursor / hub |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of run.results) {
    const med = (side: 'baseline' | 'hub', k: 'p50' | 'p99') => median(r[side].map((x) => x.time[k]));
    const ratios = r.hub.map((h, i) => h.time.p50 / r.baseline[i]!.time.p50);
    lines.push(
      `| ${r.name} | ${r.rows} | ${f(med('baseline', 'p50'))} / ${f(med('baseline', 'p99'))} | ${f(med('hub', 'p50'))} / ${f(med('hub', 'p99'))} | ${f(median(ratios), 2)} (${range(ratios)}) | ${f(median(r.baseline.map((x) => x.queries)))} / ${f(median(r.hub.map((x) => x.queries)))} |`,
    );
  }
  return [...lines, ''];
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const runs = [await runDialect('sqlite')];
  if (await serviceAvailable('postgres')) runs.push(await runDialect('postgres'));
  machine.loadAvgEnd = loadavg();
  const markdown = [
    `## ${startedAt.slice(0, 10)} — catch-up for one person in ${GROUPS} groups: hub sync vs the per-cursor path (issue #18)`,
    '',
    `- command: \`${commandLine('group-sync.bench')}\``,
    `- code: ${codeVersion(REPO)}`,
    `- machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average at start ${machine.loadAvgStart.map((v) => f(v, 2)).join(' / ')}, at end ${machine.loadAvgEnd.map((v) => f(v, 2)).join(' / ')}`,
    `- settings: ${GROUPS} groups × ${MSGS} messages, a recalled message in every ${EDITED_EVERY}th group; ${ROUNDS} rounds (ABBA) × ${ITER} syncs per side and case, in process (the hub's pipeline.sync with its membership read; no socket)`,
    '',
    ...runs.flatMap(table),
  ].join('\n');
  await publish({ startedAt, runs, machine } as { startedAt: string }, markdown, 'group-sync');
}

runBench(main);
