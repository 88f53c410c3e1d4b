import { fileURLToPath } from 'node:url';
import { openFileLimit } from './fd-limit.ts';
import type { CheckStats, MemberSpec } from './group-worker.ts';
import { startGroupPool, type GroupPool, type PoolConnectRound } from './group-pool.ts';
import { prepareGroupStore, type GroupStore } from './group-store.ts';
import { codeVersion, commandLine, describeMachine, type Machine } from './machine.ts';
import { clusterWork, startHubNode, startRelayNode, type ServerNode } from './server-nodes.ts';
import { median } from './stats.ts';
import { log, measureThenPublish, runBench } from './bench-run.ts';
import { cpuProfileDir, writeProfilePhases } from './profile-phases.ts';

/**
 * Reconnect storm benchmark (issue #18: 5,000 clients, all caught up within 1.5× of plain
 * Socket.IO's time to merely reconnect, nothing lost or doubled). The group chat bench's clients
 * (200 groups × 25 members, one hub node on SQLite), without its traffic levels: after connecting,
 * every round drops all members at once on both sides; plain: all reconnect at once, timed until
 * each is connected; hub: each group's poster sends BENCH_MISSED (10) messages meanwhile, then all
 * reconnect at once and sync from their cursors, timed until each holds its group's last seq.
 * Rounds (BENCH_ROUNDS, 4) alternate which side goes first; the server's CPU time and the hub's
 * store queries per reconnect say what a reconnect costs. BENCH_GROUPS, BENCH_MEMBERS. BENCH_CPU_PROF=1
 * writes both servers' CPU profiles with each storm as a `connect` window (`profile:summary --phase=connect`).
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORKERS = 2;
const CONNECT_TIMEOUT_MS = 20_000;
const STORM_TIMEOUT_MS = 120_000;

interface Storm {
  side: 'hub' | 'plain';
  round: PoolConnectRound;
  cpuMs: number;
  queries: number;
  /** Wall-clock ms from the reconnect's start to its end, for the profile's phases. */
  window: [number, number];
}

interface ReconnectResult {
  startedAt: string;
  command: string;
  code: string;
  machine: Machine;
  settings: { groups: number; members: number; missed: number; rounds: number; openFileLimit: number | undefined };
  storms: Storm[];
  check?: CheckStats;
  error?: string;
}

const positive = (raw: string | undefined, fallback: number) => {
  const v = Number(raw);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

async function storm(pool: GroupPool, server: ServerNode, side: Storm['side'], missed: number, tag: string) {
  await pool.drop();
  if (side === 'hub') await pool.post(missed, tag);
  const w0 = await clusterWork([server]);
  const from = Date.now();
  const round = await pool.reconnect(STORM_TIMEOUT_MS);
  const window: [number, number] = [from, Date.now()];
  const w1 = await clusterWork([server]);
  const s: Storm = { side, round, cpuMs: w1.cpuMs - w0.cpuMs, queries: w1.queries - w0.queries, window };
  log(
    `  ${side}: all ${round.clients} done in ${fmt(round.allDoneMs)} ms (p50 ${fmt(round.doneMs.p50)}), ${round.attempts} handshakes, ` +
      `${round.failures} failed; server CPU ${fmt(s.cpuMs)} ms${side === 'hub' ? `, ${s.queries} store queries` : ''}`,
  );
  return s;
}

function render(result: ReconnectResult): string {
  const m = result.machine;
  const s = result.settings;
  const n = s.groups * s.members;
  const of = (side: Storm['side']) => result.storms.filter((x) => x.side === side);
  const [plain, hub] = [of('plain'), of('hub')];
  const ratios = hub.map((h, i) => h.round.allDoneMs / (plain[i]?.round.allDoneMs ?? Number.NaN));
  const med = (xs: Storm[], pick: (x: Storm) => number) => median(xs.map(pick));
  const per = (x: Storm, v: number) => v / Math.max(1, x.round.clients);
  const rows: [string, (x: Storm) => number, number][] = [
    [
      `all ${n.toLocaleString('en')} reconnected (plain) / reconnected and caught up (hub), ms`,
      (x) => x.round.allDoneMs,
      0,
    ],
    ['per client done, p50 (ms)', (x) => x.round.doneMs.p50, 0],
    ['per client done, p99 (ms)', (x) => x.round.doneMs.p99, 0],
    ['server CPU per reconnect (ms)', (x) => per(x, x.cpuMs), 2],
    ['store queries per reconnect (handshake, rooms, sync)', (x) => per(x, x.queries), 2],
  ];
  const total = (xs: Storm[], pick: (r: PoolConnectRound) => number) => xs.reduce((a, x) => a + pick(x.round), 0);
  return [
    `## ${result.startedAt.slice(0, 10)} — reconnect storm: ${n.toLocaleString('en')} clients, hub vs plain Socket.IO (issue #18)`,
    '',
    `- command: \`${result.command}\``,
    `- code: ${result.code}`,
    `- machine: ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB.toFixed(1)} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAvgStart.map((v) => v.toFixed(2)).join(' / ')}, at end ${m.loadAvgEnd.map((v) => v.toFixed(2)).join(' / ')}`,
    `- settings: ${s.groups} groups × ${s.members} members, ${s.missed} messages per group missed per hub storm, ${s.rounds} rounds (sides alternate who goes first), open-file limit ${s.openFileLimit ?? 'unknown'}`,
    ...(result.error ? ['', `**Failed:** ${result.error.split('\n')[0]}`] : []),
    '',
    '| metric (median of rounds) | plain Socket.IO | hub | hub / plain |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      ([label, pick, digits]) =>
        `| ${label} | ${fmt(med(plain, pick), digits)} | ${fmt(med(hub, pick), digits)} | ${label.startsWith('all') ? `${fmt(median(ratios), 2)} (${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})` : ''} |`,
    ),
    `| handshakes / failed, all rounds | ${total(plain, (r) => r.attempts)} / ${total(plain, (r) => r.failures)} | ${total(hub, (r) => r.attempts)} / ${total(hub, (r) => r.failures)} | |`,
    `| lost / doubled messages, every member over the whole run | | ${result.check ? `${result.check.lost} / ${result.check.doubled}` : '–'} | |`,
    '',
    'Per round, all done (ms), plain / hub: ' +
      plain.map((p, i) => `${fmt(p.round.allDoneMs)} / ${fmt(hub[i]?.round.allDoneMs ?? Number.NaN)}`).join('; '),
    '',
    "What is measured: the group chat bench's clients and servers (`group-store.ts`, `group-pool.ts`; hub = `hub/src/main.ts` on SQLite, each member an officer with a session of their own who syncs its group from its cursor on every connect, as the web client does; plain = a `socket.io` server where each member joins its room). " +
      "A storm drops every member at once (client side) and reconnects all at once; a refused or timed-out handshake retries after a full-jitter backoff. Lost = a seq between 1 and the store's last that a member never got; doubled = one seq delivered live twice or with two ids. Server CPU = `process.cpuUsage()` of the server process over the reconnect; store queries from the hub's `/metrics`.",
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const groups = positive(process.env.BENCH_GROUPS, 200);
  const members = positive(process.env.BENCH_MEMBERS, 25);
  const missed = positive(process.env.BENCH_MISSED, 10);
  const rounds = positive(process.env.BENCH_ROUNDS, 4);
  const machine = describeMachine();
  const result: ReconnectResult = {
    startedAt,
    command: commandLine('reconnect.bench'),
    code: codeVersion(REPO),
    machine,
    settings: { groups, members, missed, rounds, openFileLimit: openFileLimit() },
    storms: [],
  };
  const timeoutMin = positive(process.env.BENCH_TIMEOUT_MIN, 20);
  const cpuProfDir = cpuProfileDir('cpu-reconnect', startedAt);
  let store: GroupStore | undefined;
  const servers: ServerNode[] = [];
  const pools: GroupPool[] = [];
  const measure = async () => {
    log(`preparing the store: ${groups} groups × ${members} members (+1 poster each), sessions`);
    const prepared = await prepareGroupStore('sqlite', groups, members);
    store = prepared;
    const hub = await startHubNode('hub', { ...prepared.env, REDIS_URL: '' }, cpuProfDir);
    const plain = await startRelayNode('plain', undefined, cpuProfDir);
    servers.push(hub, plain);
    const hubPool = await startGroupPool('hub-clients', 'hub', WORKERS);
    const plainPool = await startGroupPool('plain-clients', 'plain', WORKERS);
    pools.push(hubPool, plainPool);
    const spec = (url: string, auth: (token: string, groupId: string) => Record<string, string>) =>
      prepared.groups.map((g) =>
        g.tokens.map((token): MemberSpec => ({ url, auth: auth(token, g.groupId), groupId: g.groupId })),
      );
    const posters = prepared.groups.map((g): MemberSpec => ({
      url: hub.url,
      auth: { token: g.posterToken },
      groupId: g.groupId,
    }));
    log(`connecting ${groups * members} members on each side`);
    await hubPool.setup(
      spec(hub.url, (token) => ({ token })),
      posters,
      undefined,
      100,
      CONNECT_TIMEOUT_MS,
    );
    await hubPool.traffic(1, 3000, 5000, 'warm');
    const sample = await hubPool.sample();
    await plainPool.setup(
      spec(plain.url, (_t, id) => ({ room: `group:${id}` })),
      [],
      sample,
      100,
      CONNECT_TIMEOUT_MS,
    );
    for (let r = 0; r < rounds; r += 1) {
      log(`round ${r + 1}/${rounds}`);
      for (const side of r % 2 === 0 ? (['plain', 'hub'] as const) : (['hub', 'plain'] as const))
        result.storms.push(
          await storm(side === 'hub' ? hubPool : plainPool, side === 'hub' ? hub : plain, side, missed, `storm-${r}`),
        );
    }
    for (const [node, side] of [
      [hub, 'hub'],
      [plain, 'plain'],
    ] as const)
      await writeProfilePhases(
        [node],
        result.storms.filter((st) => st.side === side).map((st) => ({ phases: { connect: st.window } })),
        'reconnect storm',
      );
    const counts = await prepared.counts();
    result.check = await hubPool.check(Object.fromEntries([...counts].map(([id, c]) => [id, c.lastSeq])));
    log(`check: lost ${result.check.lost}, doubled ${result.check.doubled}`);
  };
  const cleanup = async () => {
    for (const p of pools) await p.stop().catch(() => {});
    await Promise.all(servers.map((s) => s.stop()));
    await store?.dispose();
  };
  await measureThenPublish({ result, bench: 'reconnect', timeoutMin, measure, cleanup, render });
}

runBench(main);
