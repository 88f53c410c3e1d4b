import type { FanoutSettings, Round } from './fanout-measure.ts';
import type { Machine } from './machine.ts';
import { median } from './stats.ts';

/** One round: the plain baseline and every hub side, by side name. */
export interface RoundSet {
  baseline: Round;
  hubs: Record<string, Round>;
}

/** Every round of one (nodes, N). */
export interface SizeRun {
  nodes: number;
  store: 'sqlite' | 'postgres';
  n: number;
  /** The hub sides' names, in the report's column order (`hub`, or `hub classic`, `hub sharded`). */
  hubs: string[];
  rounds: RoundSet[];
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

/** Targets from the issues: delivery p99 within 1.5× of plain on one node, 1.3× on several; acks at 10k. */
export const TARGETS = { deliveryP99Ratio: 1.5, clusterDeliveryP99Ratio: 1.3, acksAt10kMs: 3000 };
const p99Target = (run: SizeRun) => (run.nodes === 1 ? TARGETS.deliveryP99Ratio : TARGETS.clusterDeliveryP99Ratio);

const fmt = (v: number | undefined, digits = 1) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');
const label = (r: SizeRun) =>
  r.nodes === 1 ? 'one node (SQLite, in-memory adapter)' : `${r.nodes} nodes (PostgreSQL + Redis adapter)`;

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

type Pick = Row['pick'];
/** A side of a round set: the baseline, or a hub side by name. */
const sideOf = (r: RoundSet, side: string | null) => (side === null ? r.baseline : r.hubs[side]);

/** Per-round ratios of one figure, side `over` / side `under` (null: plain): median and range. */
function ratios(
  run: SizeRun,
  over: string,
  under: string | null,
  pick: Pick,
): { median: number; min: number; max: number; count: number } {
  const rs = run.rounds
    .map((r) => {
      const [o, u] = [sideOf(r, over), sideOf(r, under)];
      const b = u && pick(u);
      const h = o && pick(o);
      return b !== undefined && h !== undefined && b > 0 && h >= 0 ? h / b : Number.NaN;
    })
    .filter((v) => Number.isFinite(v));
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs), count: rs.length };
}

const ratioCell = (r: ReturnType<typeof ratios>) =>
  r.count ? `${fmt(r.median, 2)}${r.count > 1 ? ` (${fmt(r.min, 2)}–${fmt(r.max, 2)})` : ''}` : '–';
const med = (run: SizeRun, side: string | null, pick: Pick) =>
  median(
    run.rounds.map((r) => {
      const x = sideOf(r, side);
      return (x && pick(x)) ?? Number.NaN;
    }),
  );
const sum = (run: SizeRun, side: string | null, pick: (r: Round) => number) =>
  run.rounds.reduce((a, r) => {
    const x = sideOf(r, side);
    return a + (x ? pick(x) : 0);
  }, 0);
/** With two hub sides (classic and sharded), the second is also compared with the first. */
const pairOf = (run: SizeRun) => (run.hubs.length === 2 ? ([run.hubs[1]!, run.hubs[0]!] as const) : undefined);

function sizeTable(run: SizeRun): string {
  const lines = [`### ${label(run)}, N = ${run.n.toLocaleString('en')} (${run.rounds.length} rounds, medians)`, ''];
  if (run.error) lines.push(`**Failed:** ${run.error}`, '');
  if (!run.rounds.length) return lines.join('\n');
  const pair = pairOf(run);
  const cells = (values: string[]) => `| ${values.join(' | ')} |`;
  lines.push(
    cells([
      'metric',
      'plain Socket.IO',
      ...run.hubs,
      ...run.hubs.map((h) => `${h} / plain: median of rounds (min–max)`),
      ...(pair ? [`${pair[0]} / ${pair[1]}`] : []),
    ]),
    cells(['---', ...Array<string>(run.hubs.length * 2 + 1 + (pair ? 1 : 0)).fill('---:')]),
  );
  for (const row of ROWS) {
    lines.push(
      cells([
        row.label,
        row.hubOnly ? '' : fmt(med(run, null, row.pick), row.digits),
        ...run.hubs.map((h) => fmt(med(run, h, row.pick), row.digits)),
        ...run.hubs.map((h) => (row.hubOnly ? '' : ratioCell(ratios(run, h, null, row.pick)))),
        ...(pair ? [ratioCell(ratios(run, pair[0], pair[1], row.pick))] : []),
      ]),
    );
  }
  const n = run.n * run.rounds.length;
  const blank = pair ? run.hubs.length + 1 : run.hubs.length;
  const count = (what: string, pick: ((r: Round) => number) | undefined, hubCell: (h: string) => string) =>
    cells([what, pick ? String(sum(run, null, pick)) : '', ...run.hubs.map(hubCell), ...Array<string>(blank).fill('')]);
  const failures = (r: Round) => r.connect.failures;
  const missing = (r: Round) => r.delivery.missing;
  const strays = (r: Round) => r.delivery.strays;
  lines.push(
    count('failed connections (all rounds)', failures, (h) => String(sum(run, h, failures))),
    count('not delivered (all rounds)', missing, (h) => String(sum(run, h, missing))),
    count('strays: another order received (all rounds)', strays, (h) => String(sum(run, h, strays))),
    count(
      'recipients resolved by the hub / N (all rounds)',
      undefined,
      (h) => `${sum(run, h, (r) => r.recipients ?? 0)} / ${n}`,
    ),
    count('acknowledgements failed (all rounds)', undefined, (h) => String(sum(run, h, (r) => r.acks?.failures ?? 0))),
    count(
      'acknowledged rows in the store / N (all rounds)',
      undefined,
      (h) => `${sum(run, h, (r) => r.acks?.acknowledgedInStore ?? 0)} / ${n}`,
    ),
    '',
  );
  const errors = [
    ...new Set(
      run.rounds
        .flatMap((r) => [r.baseline, ...Object.values(r.hubs)])
        .flatMap((r) => [r.error, ...r.connect.failureSamples, ...(r.acks?.failureSamples ?? [])])
        .filter(Boolean),
    ),
  ];
  if (errors.length) lines.push(`Errors seen: ${errors.map((e) => `\`${e}\``).join(', ')}`, '');
  return lines.join('\n');
}

/** One line per (nodes, N, hub side) against the issues' targets. */
function summaryTable(result: FanoutResult): string {
  const p99 = (r: Round) => r.delivery.latency.p99;
  const acks = (r: Round) => r.acks?.allAnsweredMs;
  const heap = (r: Round) => r.memory.heapKiB;
  const lines = [
    '| nodes | hub | N | delivery p99, plain / hub (ms) | hub / plain p99 (median, range) | within target (1 node 1.5×, more 1.3×) | all N acks persisted (ms) | ≤ 3 s at 10k | heap / conn, plain / hub (KiB) |',
    '| ---: | --- | ---: | ---: | ---: | :---: | ---: | :---: | ---: |',
  ];
  for (const run of result.runs) {
    if (!run.rounds.length) {
      lines.push(`| ${run.nodes} | ${run.hubs.join(', ')} | ${run.n.toLocaleString('en')} | failed | | | | | |`);
      continue;
    }
    for (const hub of run.hubs) {
      const r = ratios(run, hub, null, p99);
      const ackMs = med(run, hub, acks);
      const incomplete = run.rounds.some((x) => {
        const h = x.hubs[hub];
        return !h || h.delivery.missing > 0 || (h.acks?.acknowledgedInStore ?? 0) < run.n;
      });
      const ackOk = run.n >= 10_000 ? (ackMs <= TARGETS.acksAt10kMs && !incomplete ? 'yes' : 'NO') : '';
      lines.push(
        `| ${run.nodes} | ${hub} | ${run.n.toLocaleString('en')} | ${fmt(med(run, null, p99))} / ${fmt(med(run, hub, p99))} | ${ratioCell(r)} | ${r.median <= p99Target(run) && !incomplete ? 'yes' : 'NO'} | ${fmt(ackMs, 0)} | ${ackOk} | ${fmt(med(run, null, heap))} / ${fmt(med(run, hub, heap))} |`,
      );
    }
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
      'all on 127.0.0.1 and the same 2 cores. Per size, fresh hub and baseline processes; each round measures every side back to back (plain, then each hub side), rotating which goes first, ' +
      'each connecting all N, sending once and closing all N. Ratios are medians of the per-round ratios.',
    '- hub = `hub/src/main.ts` unchanged (LOG_LEVEL=warn, demo seed, no web build). Each recipient is an officer of a squad made for the size under the first station, with a session of their own (`auth.token`); ' +
      "the dispatcher (the first station's command room) emits `order:create` {priority flash, targets: [that squad]} and every recipient waits for its `order:assigned`. " +
      'Several nodes: PostgreSQL + Redis (`@socket.io/redis-adapter`), recipients split evenly over the nodes, the dispatcher on A; `hub classic` and `hub sharded` are two clusters of their own on the same store, started with `REDIS_ADAPTER=classic` and `sharded`.',
    '- plain = a `socket.io` server with no middleware and no handlers on the N sockets; a sender client emits `relay` with the very `order:assigned` payload the hub sent in the warm-up, and the server `socket.broadcast.emit`s it. ' +
      "Several nodes: such servers joined by `@socket.io/redis-adapter` built with the hub's own `redisBackend` (classic unless `RELAY_REDIS_ADAPTER=sharded`), clients split the same way, the sender on A. " +
      'A broadcast to every socket goes to the namespace channel in both adapter modes, so one plain cluster is the baseline of both hub sides.',
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
