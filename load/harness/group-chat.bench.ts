import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { openFileLimit } from './fd-limit.ts';
import type { MemberSpec } from './group-worker.ts';
import { startGroupPool, type GroupPool } from './group-pool.ts';
import { renderGroupMarkdown, type GroupResult, type Level } from './group-report.ts';
import { prepareGroupStore, type GroupStore } from './group-store.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { perConnection } from './memory.ts';
import { clusterMemory, clusterWork, startHubNode, startRelayNode, type ServerNode } from './server-nodes.ts';
import { log, measureThenPublish, runBench } from './bench-run.ts';
import { now } from './clock.ts';
import { allocationProfileDir, cpuProfileDir, writeProfilePhases } from './profile-phases.ts';

/**
 * Group chat benchmark (the issue: 200 groups × 25 connected members, a message per group per
 * second; latency p50 / p99 and the highest rate with p99 under 200 ms, beside plain Socket.IO
 * room broadcast of the same traffic; then a reconnect storm of all clients, each having missed 10
 * messages: time until all are caught up, lost or doubled messages). One hub node on SQLite.
 * BENCH_GROUPS, BENCH_MEMBERS, BENCH_STEADY_S, BENCH_STEP_S, BENCH_WARM_S (each side's warm-up at
 * 1/s before anything is measured: 3 s), BENCH_IDLE_S (each side at rest, all connected, nothing
 * sent: 10 s), BENCH_RATES (per group per second,
 * after 1), BENCH_MISSED, BENCH_TIMEOUT_MIN; BENCH_WATCHED (share of the groups where one member has
 * the chat open, `group:watch`, and so hears its read counts: 0.2 by default); BENCH_CPU_PROF=1
 * writes the CPU profiles of the hub and of the plain relay, each in a folder of its own (read them
 * with `profile:summary`; `--phase=delivery` keeps that side's traffic levels only); BENCH_ALLOC_PROF=1
 * samples what each side allocates over each traffic level, one .heapprofile per level (`alloc:summary`). Markdown to stdout, JSON and Markdown to load/out/.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORKERS = 2;
const P99_LIMIT_MS = 200;
const CONNECT_TIMEOUT_MS = 20_000;
const DRAIN_MS = 5000;

const positive = (raw: string | undefined, fallback: number) => {
  const v = Number(raw);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** One side at one rate; the server's CPU time and store queries over it, per message sent. */
async function level(
  pool: GroupPool,
  server: ServerNode,
  side: 'hub' | 'plain',
  rate: number,
  seconds: number,
  groups: number,
  tag: string,
  allocDir: string | undefined,
): Promise<Level & { window: [number, number] }> {
  const w0 = await clusterWork([server]);
  await server.loopDelay();
  if (allocDir) await server.allocStart();
  const from = now();
  const t = await pool.traffic(rate, seconds * 1000, DRAIN_MS, tag);
  const to = now();
  // Named by the messages sent, which `alloc:summary --per` divides by.
  if (allocDir) await server.allocStop(join(allocDir, `${side}-r${rate}-${t.sent}.heapprofile`));
  const loopDelay = await server.loopDelay();
  const w1 = await clusterWork([server]);
  const ok = t.latency.p99 < P99_LIMIT_MS && t.missing === 0 && t.sendFailures === 0;
  const work = {
    cpuMsPerMessage: (w1.cpuMs - w0.cpuMs) / t.sent,
    userMsPerMessage: (w1.userMs - w0.userMs) / t.sent,
    systemMsPerMessage: (w1.systemMs - w0.systemMs) / t.sent,
    queriesPerMessage: (w1.queries - w0.queries) / t.sent,
    storeMsPerMessage: (w1.storeMs - w0.storeMs) / t.sent,
    loopDelay,
  };
  log(
    `  ${side} ${rate}/s per group (${rate * groups}/s): p50 ${t.latency.p50.toFixed(0)} p99 ${t.latency.p99.toFixed(0)} ms, sent ${t.sent} (${t.sentPerSecond.toFixed(0)}/s), missing ${t.missing}, failures ${t.sendFailures}; ` +
      `server CPU ${work.cpuMsPerMessage.toFixed(2)} ms per message (user ${work.userMsPerMessage.toFixed(2)}, system ${work.systemMsPerMessage.toFixed(2)}${side === 'hub' ? `; in store statements ${work.storeMsPerMessage.toFixed(2)}` : ''}); ` +
      `event loop delay p99 ${loopDelay.p99Ms.toFixed(1)} max ${loopDelay.maxMs.toFixed(1)} ms${ok ? '' : '  ← over'}`,
  );
  return { side, perGroup: rate, total: rate * groups, seconds, ok, traffic: t, ...work, window: [from, to] };
}

/** A server's CPU time per second with every member connected and nothing sent: its cost at rest. */
async function idleCpu(
  server: ServerNode,
  side: 'hub' | 'plain',
  seconds: number,
): Promise<{ perSecond: number; window: [number, number] }> {
  const w0 = await clusterWork([server]);
  const from = now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const to = now();
  const w1 = await clusterWork([server]);
  const perSecond = ((w1.cpuMs - w0.cpuMs) * 1000) / (to - from);
  log(`  ${side} at rest: ${perSecond.toFixed(1)} ms CPU per second`);
  return { perSecond, window: [from, to] };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const groups = positive(process.env.BENCH_GROUPS, 200);
  const members = positive(process.env.BENCH_MEMBERS, 25);
  const steadyS = positive(process.env.BENCH_STEADY_S, 20);
  const stepS = positive(process.env.BENCH_STEP_S, 8);
  const missed = positive(process.env.BENCH_MISSED, 10);
  const idleS = positive(process.env.BENCH_IDLE_S, 10);
  const warmS = positive(process.env.BENCH_WARM_S, 3);
  const rates = (process.env.BENCH_RATES ?? '2,4,6,8,12,16,24,32')
    .split(',')
    .map(Number)
    .filter((r) => r > 1);
  const timeoutMin = positive(process.env.BENCH_TIMEOUT_MIN, 20);
  const watchedShare = Math.min(1, Math.max(0, Number(process.env.BENCH_WATCHED ?? 0.2) || 0));
  const cpuProfDir = cpuProfileDir('cpu-groups', startedAt);
  const allocDir = allocationProfileDir('alloc-groups', startedAt);
  const machine = describeMachine();
  const result: GroupResult = {
    startedAt,
    command: commandLine('group-chat.bench'),
    code: codeVersion(REPO),
    machine,
    settings: {
      groups,
      members,
      steadyS,
      stepS,
      idleS,
      missed,
      watchedGroups: Math.round(groups * watchedShare),
      workers: WORKERS,
      p99LimitMs: P99_LIMIT_MS,
      openFileLimit: openFileLimit(),
    },
    notes: [],
    levels: [],
  };
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
    // Every 1/share-th group has its first member looking at the chat; the other members (and groups) do not.
    const watched = (i: number) =>
      watchedShare > 0 && Math.floor(i * watchedShare) !== Math.floor((i + 1) * watchedShare);
    const hubMembers: MemberSpec[][] = prepared.groups.map((g, i) =>
      g.tokens.map((token, j) => ({
        url: hub.url,
        auth: { token },
        groupId: g.groupId,
        watching: j === 0 && watched(i),
      })),
    );
    const posters: MemberSpec[] = prepared.groups.map((g) => ({
      url: hub.url,
      auth: { token: g.posterToken },
      groupId: g.groupId,
    }));
    const plainMembers: MemberSpec[][] = prepared.groups.map((g) =>
      g.tokens.map(() => ({ url: plain.url, auth: { room: `group:${g.groupId}` }, groupId: g.groupId })),
    );
    const n = groups * members;

    log(`hub: connecting ${n} members (each syncs its group) and ${groups} posters`);
    let before = await clusterMemory([hub]);
    result.hubConnect = await hubPool.setup(hubMembers, posters, undefined, 100, CONNECT_TIMEOUT_MS);
    result.hubMemory = perConnection(before, await clusterMemory([hub]), n + groups);
    log('hub warm-up');
    let hubAcked = (await hubPool.traffic(1, warmS * 1000, DRAIN_MS, 'warm')).acked;
    const sample = await hubPool.sample();
    result.frameBytes = Buffer.byteLength(`42${JSON.stringify(['message:created', sample])}`);
    log(`plain: connecting ${n} members`);
    before = await clusterMemory([plain]);
    result.plainConnect = await plainPool.setup(plainMembers, [], sample, 100, CONNECT_TIMEOUT_MS);
    result.plainMemory = perConnection(before, await clusterMemory([plain]), n);
    log('plain warm-up');
    await plainPool.traffic(1, warmS * 1000, DRAIN_MS, 'warm');
    log(`at rest, ${idleS} s each`);
    const rest = { hub: await idleCpu(hub, 'hub', idleS), plain: await idleCpu(plain, 'plain', idleS) };
    result.idleCpuMsPerSecond = { hub: rest.hub.perSecond, plain: rest.plain.perSecond };

    // Rate 1 is the issue's load, held longer; then higher rates until each side has gone over
    // at two rates in a row (one can be a noisy neighbour's doing on this shared machine).
    const misses = { hub: 0, plain: 0 };
    /** Each side's traffic levels and rest, for cutting its CPU profile to them (`profile:summary --phase=delivery`, `rest`). */
    const traffic: Record<Level['side'], { phases: Partial<Record<'delivery' | 'rest', [number, number]>> }[]> = {
      hub: [],
      plain: [],
    };
    traffic.hub.push({ phases: { rest: rest.hub.window } });
    traffic.plain.push({ phases: { rest: rest.plain.window } });
    const live = { hub: true, plain: true };
    for (const [i, rate] of [1, ...rates].entries()) {
      if (!live.hub && !live.plain) break;
      const seconds = rate === 1 ? steadyS : stepS;
      const order = i % 2 === 0 ? (['plain', 'hub'] as const) : (['hub', 'plain'] as const);
      for (const side of order) {
        if (!live[side]) continue;
        const l = await level(
          side === 'hub' ? hubPool : plainPool,
          side === 'hub' ? hub : plain,
          side,
          rate,
          seconds,
          groups,
          `r${rate}`,
          allocDir,
        );
        const { window, ...measured } = l;
        result.levels.push(measured);
        traffic[side].push({ phases: { delivery: window } });
        if (side === 'hub') hubAcked += l.traffic.acked;
        misses[side] = l.ok ? 0 : misses[side] + 1;
        if (misses[side] >= 2) live[side] = false;
      }
    }

    await writeProfilePhases([hub], traffic.hub, 'group traffic');
    await writeProfilePhases([plain], traffic.plain, 'group traffic');

    log(`reconnect storm, plain: ${n} drop and reconnect at once`);
    await plainPool.drop();
    result.plainStorm = await plainPool.reconnect(120_000);
    await plainPool.stop();
    pools.splice(pools.indexOf(plainPool), 1);
    log(`reconnect storm, hub: ${n} drop, ${missed} messages per group posted, all reconnect at once`);
    await hubPool.drop();
    const posted = await hubPool.post(missed, 'storm');
    hubAcked += Object.keys(posted).length * missed;
    result.hubStorm = await hubPool.reconnect(120_000);
    log(
      `  all caught up in ${result.hubStorm.allDoneMs.toFixed(0)} ms (${result.hubStorm.clients} of ${n}, ${result.hubStorm.attempts} handshakes, ${result.hubStorm.failures} failed)`,
    );

    const counts = await prepared.counts();
    const lastSeq = Object.fromEntries([...counts].map(([id, c]) => [id, c.lastSeq]));
    result.check = await hubPool.check(lastSeq);
    const stored = [...counts.values()];
    result.store = {
      messages: stored.reduce((a, c) => a + c.messages, 0),
      acked: hubAcked,
      seqGapsOrDoubles: stored.filter((c) => c.messages !== c.lastSeq || c.distinctSeqs !== c.messages).length,
    };
    log(
      `check: lost ${result.check.lost}, doubled ${result.check.doubled}, overlap dropped by seq ${result.check.syncOverlap}; store ${result.store.messages} messages`,
    );
  };
  const cleanup = async () => {
    for (const p of pools) await p.stop().catch(() => {});
    // A profiled node writes its profile as it stops.
    await Promise.all(servers.map((s) => s.stop()));
    await store?.dispose();
  };
  await measureThenPublish({ result, bench: 'group-chat', timeoutMin, measure, cleanup, render: renderGroupMarkdown });
}

runBench(main);
