import type { FanoutSettings, Round } from './fanout-measure.ts';
import type { Machine } from './machine.ts';
import { median } from './stats.ts';

/** Every round of one (nodes, N). */
export interface SizeRun {
  nodes: 1 | 2;
  store: 'sqlite' | 'postgres';
  n: number;
  rounds: { baseline: Round; hub: Round }[];
  /** The `order:assigned` frame both sides sent, in bytes. */
  frameBytes: number;
  error?: string;
}

/** The whole run, as written to load/out/order-fanout-*.json. */
export interface FanoutResult {
  startedAt: string;
  command: string;
  code: string;
  machine: Machine;
  settings: FanoutSettings & {
    rounds: number;
    workers: number;
    warmup: number;
    openFileLimit: number | undefined;
    cpuProfiles: string | undefined;
  };
  clock: { maxOffsetMs: number; uncertaintyMs: number };
  notes: string[];
  runs: SizeRun[];
}

/** Targets from the issue. */
export const TARGETS = { deliveryP99Ratio: 1.5, acksAt10kMs: 3000 };

const fmt = (v: number | undefined, digits = 1) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');
const label = (r: SizeRun) =>
  r.nodes === 1 ? 'one node (SQLite, in-memory adapter)' : 'two nodes (PostgreSQL + Redis adapter)';

interface Row {
  label: string;
  pick: (r: Round) => number | undefined;
  /** Hub-only figures have no baseline column and no ratio. */
  hubOnly?: boolean;
  digits?: number;
}

const ROWS: Row[] = [
  { label: 'delivery p50 (ms)', pick: (r) => r.delivery.latency.p50 },
  { label: 'delivery p99 (ms)', pick: (r) => r.delivery.latency.p99 },
  { label: 'delivery max = all N have it (ms)', pick: (r) => r.delivery.latency.max },
  {
    label: "sender's emit answered (ms): plain = relayed; hub = order + recipients persisted",
    pick: (r) => r.delivery.senderAnsweredMs,
  },
  { label: 'all N acknowledgements answered = persisted (ms)', pick: (r) => r.acks?.allAnsweredMs, hubOnly: true },
  { label: 'acknowledgement answer p50 (ms)', pick: (r) => r.acks?.latency.p50, hubOnly: true },
  { label: 'acknowledgement answer p99 (ms)', pick: (r) => r.acks?.latency.p99, hubOnly: true },
  { label: "clients' loop firing all N acknowledgements (ms)", pick: (r) => r.acks?.firingMs, hubOnly: true },
  { label: 'server CPU during delivery, all nodes (ms)', pick: (r) => r.work.delivery?.cpuMs },
  {
    label: 'store queries for the order: create + fan-out',
    pick: (r) => r.work.delivery?.queries,
    hubOnly: true,
    digits: 0,
  },
  {
    label: 'hub CPU per acknowledgement, all nodes (ms)',
    pick: (r) => (r.acks?.answered ? r.work.acks!.cpuMs / r.acks.answered : undefined),
    hubOnly: true,
    digits: 2,
  },
  {
    label: 'store queries per acknowledgement',
    pick: (r) => (r.acks?.answered ? r.work.acks!.queries / r.acks.answered : undefined),
    hubOnly: true,
    digits: 2,
  },
  { label: 'heap / connection, server processes (KiB)', pick: (r) => r.memory.heapKiB },
  { label: 'RSS / connection, server processes (KiB)', pick: (r) => r.memory.rssKiB },
  { label: 'heap with N connected, all nodes (MiB)', pick: (r) => r.memoryWithN.heapUsed / 2 ** 20 },
  { label: 'RSS with N connected, all nodes (MiB)', pick: (r) => r.memoryWithN.rss / 2 ** 20 },
  { label: 'connect all N (ms)', pick: (r) => r.connect.totalMs },
  { label: 'connect latency p99 (ms)', pick: (r) => r.connect.latency.p99 },
];

/** Per-round hub / baseline ratios of one figure: median and range, as in the handshake bench. */
function ratios(run: SizeRun, pick: Row['pick']): { median: number; min: number; max: number; count: number } {
  const rs = run.rounds
    .map((r) => {
      const b = pick(r.baseline);
      const h = pick(r.hub);
      return b !== undefined && h !== undefined && b > 0 && h >= 0 ? h / b : Number.NaN;
    })
    .filter((v) => Number.isFinite(v));
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs), count: rs.length };
}

const ratioCell = (r: ReturnType<typeof ratios>) =>
  r.count ? `${fmt(r.median, 2)}${r.count > 1 ? ` (${fmt(r.min, 2)}–${fmt(r.max, 2)})` : ''}` : '–';
const med = (run: SizeRun, side: 'baseline' | 'hub', pick: Row['pick']) =>
  median(run.rounds.map((r) => pick(r[side]) ?? Number.NaN));
const sum = (run: SizeRun, side: 'baseline' | 'hub', pick: (r: Round) => number) =>
  run.rounds.reduce((a, r) => a + pick(r[side]), 0);

function sizeTable(run: SizeRun): string {
  const lines = [`### ${label(run)}, N = ${run.n.toLocaleString('en')} (${run.rounds.length} rounds, medians)`, ''];
  if (run.error) lines.push(`**Failed:** ${run.error}`, '');
  if (!run.rounds.length) return lines.join('\n');
  lines.push(
    '| metric | plain Socket.IO | hub | hub / plain: median of rounds (min–max) |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const row of ROWS) {
    const base = row.hubOnly ? '' : fmt(med(run, 'baseline', row.pick), row.digits);
    lines.push(
      `| ${row.label} | ${base} | ${fmt(med(run, 'hub', row.pick), row.digits)} | ${row.hubOnly ? '' : ratioCell(ratios(run, row.pick))} |`,
    );
  }
  const n = run.n * run.rounds.length;
  lines.push(
    `| failed connections (all rounds) | ${sum(run, 'baseline', (r) => r.connect.failures)} | ${sum(run, 'hub', (r) => r.connect.failures)} | |`,
    `| not delivered (all rounds) | ${sum(run, 'baseline', (r) => r.delivery.missing)} | ${sum(run, 'hub', (r) => r.delivery.missing)} | |`,
    `| strays: another order received (all rounds) | ${sum(run, 'baseline', (r) => r.delivery.strays)} | ${sum(run, 'hub', (r) => r.delivery.strays)} | |`,
    `| recipients resolved by the hub / N (all rounds) | | ${sum(run, 'hub', (r) => r.recipients ?? 0)} / ${n} | |`,
    `| acknowledgements failed (all rounds) | | ${sum(run, 'hub', (r) => r.acks?.failures ?? 0)} | |`,
    `| acknowledged rows in the store / N (all rounds) | | ${sum(run, 'hub', (r) => r.acks?.acknowledgedInStore ?? 0)} / ${n} | |`,
    '',
  );
  const errors = [
    ...new Set(
      run.rounds
        .flatMap((r) => [r.baseline, r.hub])
        .flatMap((r) => [r.error, ...r.connect.failureSamples, ...(r.acks?.failureSamples ?? [])])
        .filter(Boolean),
    ),
  ];
  if (errors.length) lines.push(`Errors seen: ${errors.map((e) => `\`${e}\``).join(', ')}`, '');
  return lines.join('\n');
}

/** One line per (nodes, N) against the issue's targets. */
function summaryTable(result: FanoutResult): string {
  const p99 = (r: Round) => r.delivery.latency.p99;
  const acks = (r: Round) => r.acks?.allAnsweredMs;
  const heap = (r: Round) => r.memory.heapKiB;
  const lines = [
    '| nodes | N | delivery p99, plain / hub (ms) | hub / plain p99 (median, range) | ≤ 1.5× | all N acks persisted (ms) | ≤ 3 s at 10k | heap / conn, plain / hub (KiB) |',
    '| ---: | ---: | ---: | ---: | :---: | ---: | :---: | ---: |',
  ];
  for (const run of result.runs) {
    if (!run.rounds.length) {
      lines.push(`| ${run.nodes} | ${run.n.toLocaleString('en')} | failed | | | | | |`);
      continue;
    }
    const r = ratios(run, p99);
    const ackMs = med(run, 'hub', acks);
    const incomplete = run.rounds.some(
      (x) => x.hub.delivery.missing > 0 || (x.hub.acks?.acknowledgedInStore ?? 0) < run.n,
    );
    const ackOk = run.n >= 10_000 ? (ackMs <= TARGETS.acksAt10kMs && !incomplete ? 'yes' : 'NO') : '';
    lines.push(
      `| ${run.nodes} | ${run.n.toLocaleString('en')} | ${fmt(med(run, 'baseline', p99))} / ${fmt(med(run, 'hub', p99))} | ${ratioCell(r)} | ${r.median <= TARGETS.deliveryP99Ratio && !incomplete ? 'yes' : 'NO'} | ${fmt(ackMs, 0)} | ${ackOk} | ${fmt(med(run, 'baseline', heap))} / ${fmt(med(run, 'hub', heap))} |`,
    );
  }
  return lines.join('\n');
}

export function renderMarkdown(result: FanoutResult): string {
  const m = result.machine;
  const s = result.settings;
  const frame = [...new Set(result.runs.map((r) => r.frameBytes).filter((b) => b > 0))].join(' / ') || '–';
  const head = [
    `## ${result.startedAt.slice(0, 10)} — order fan-out, hub vs plain Socket.IO broadcast`,
    '',
    `- command: \`${result.command}\``,
    `- code: ${result.code}`,
    `- machine: ${m.cpus} × ${m.cpuModel}, ${fmt(m.totalMemGiB)} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAvgStart.map((v) => fmt(v, 2)).join(' / ')}, at end ${m.loadAvgEnd.map((v) => fmt(v, 2)).join(' / ')}`,
    `- settings: ${s.rounds} rounds per (nodes, N), ${s.workers} client worker processes, ${s.concurrency} handshakes in flight, ${s.warmup} warm-up clients per size, ${frame}-byte \`order:assigned\` frame on both sides, open-file limit ${s.openFileLimit ?? 'unknown'}` +
      `; worker clocks within ${fmt(Math.abs(result.clock.maxOffsetMs), 2)} ± ${fmt(result.clock.uncertaintyMs, 2)} ms of the bench's${s.cpuProfiles ? `; hub CPU profiles in \`${s.cpuProfiles}\`` : ''}`,
    '',
    summaryTable(result),
    '',
    'What is measured:',
    '- Every server runs in its own process and the N recipients in separate client worker processes (socket.io-client, websocket only, `forceNew`, no reconnection), ' +
      'all on 127.0.0.1 and the same 2 cores. Per size, fresh hub and baseline processes; the rounds then pair a baseline and a hub measurement back to back, alternating which goes first, ' +
      'each connecting all N, sending once and closing all N. Ratios are medians of the per-round ratios.',
    '- hub = `hub/src/main.ts` unchanged (LOG_LEVEL=warn, demo seed, no web build). Each recipient is an officer of a squad made for the size under the first station, with a session of their own (`auth.token`); ' +
      "the dispatcher (the first station's command room) emits `order:create` {priority flash, targets: [that squad]} and every recipient waits for its `order:assigned`. " +
      'Two nodes: PostgreSQL + Redis (`@socket.io/redis-adapter`), recipients split evenly over nodes A and B, the dispatcher on A.',
    '- plain = a `socket.io` server with no middleware and no handlers on the N sockets; a sender client emits `relay` with the very `order:assigned` payload the hub sent in the warm-up, and the server `socket.broadcast.emit`s it. ' +
      "Two nodes: two such servers joined by `@socket.io/redis-adapter` built with the hub's own `redisBackend`, clients split the same way, the sender on A.",
    "- delivery = from just before the sender's emit (in the bench process) to each recipient's handler (in a worker), on `performance.timeOrigin + performance.now()`: the machine's clock, compared across processes. " +
      "The hub's figure therefore includes validating, resolving the squad, and persisting the order and its N recipient rows before fan-out; that is the design (persist before fan-out).",
    '- acknowledgements = every recipient emits `order:act` {acknowledge} at once (each worker loops over its sockets); the hub answers each only after its receipt row is written (batched). ' +
      'Measured from the first one fired to the last answer back, then the store is asked how many rows of the order are `acknowledged`.',
    "- server CPU = `process.cpuUsage()` (user + system) of the server processes over the phase, summed over nodes; on loopback the kernel's TCP work for a write is charged to the writer. " +
      "Store queries = the hub's own `hub_store_query_seconds_count` from `/metrics`, before and after the phase.",
    "- memory = `process.memoryUsage()` inside each server process after a full GC (--expose-gc), before and after connecting N, summed over nodes, divided by N: the servers' cost alone, clients excluded. RSS is coarse; read heap.",
    '',
  ];
  const notes = result.notes.length ? ['Notes:', ...result.notes.map((n) => `- ${n}`), ''] : [];
  return [...head, ...notes, ...result.runs.map(sizeTable)].join('\n');
}
