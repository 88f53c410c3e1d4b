import type { PoolConnect } from './client-pool.ts';
import type { Machine } from './machine.ts';
import type { PerConnection } from './memory.ts';
import { median, type Summary } from './stats.ts';

/** One side (hub or plain), one round of the idle bench. */
export interface IdleRound {
  target: 'baseline' | 'hub';
  connect: PoolConnect;
  /** Server process only, per connection: right after connecting all N, and after the idle period. */
  memory: PerConnection;
  memoryIdle: PerConnection;
  heapWithNMiB: number;
  /** Server CPU while the N sat idle, ms per second: per-socket timers would show here. */
  idleCpuMsPerS: number;
  /** From just before the sender's emit to each client's handler. */
  delivery: { latency: Summary; missing: number };
  heapSnapshot?: string;
  error?: string;
}

export interface IdleResult {
  startedAt: string;
  command: string;
  code: string;
  machine: Machine;
  settings: Record<string, unknown> & { n: number; rounds: number; idleS: number; openFileLimit: number | undefined };
  notes: string[];
  frameBytes: number;
  rounds: { baseline: IdleRound; hub: IdleRound }[];
  error?: string;
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

const ROWS: { label: string; pick: (r: IdleRound) => number; digits?: number }[] = [
  { label: 'heap / connection after connecting, server only (KiB)', pick: (r) => r.memory.heapKiB, digits: 2 },
  { label: 'heap / connection after the idle period, server only (KiB)', pick: (r) => r.memoryIdle.heapKiB, digits: 2 },
  { label: 'RSS / connection after the idle period (KiB)', pick: (r) => r.memoryIdle.rssKiB },
  { label: 'heap with N connected (MiB)', pick: (r) => r.heapWithNMiB },
  { label: 'server CPU while idle (ms per s)', pick: (r) => r.idleCpuMsPerS, digits: 2 },
  { label: 'broadcast delivery p50 (ms)', pick: (r) => r.delivery.latency.p50 },
  { label: 'broadcast delivery p99 (ms)', pick: (r) => r.delivery.latency.p99 },
  { label: 'broadcast delivery max (ms)', pick: (r) => r.delivery.latency.max },
  { label: 'connect all N, 100 handshakes in flight (ms)', pick: (r) => r.connect.totalMs, digits: 0 },
];

function ratioCell(result: IdleResult, pick: (r: IdleRound) => number): string {
  const rs = result.rounds.map((r) => pick(r.hub) / pick(r.baseline)).filter((v) => Number.isFinite(v) && v >= 0);
  if (!rs.length) return '–';
  const range = rs.length > 1 ? ` (${fmt(Math.min(...rs), 2)}–${fmt(Math.max(...rs), 2)})` : '';
  return `${fmt(median(rs), 2)}${range}`;
}

/** The Markdown section, ready to append to RESULTS.md. */
export function renderIdleMarkdown(result: IdleResult): string {
  const m = result.machine;
  const s = result.settings;
  const med = (side: 'baseline' | 'hub', pick: (r: IdleRound) => number) =>
    median(result.rounds.map((r) => pick(r[side])));
  const total = (side: 'baseline' | 'hub', pick: (r: IdleRound) => number) =>
    result.rounds.reduce((a, r) => a + pick(r[side]), 0);
  const lines = [
    `## ${result.startedAt.slice(0, 10)} — idle connections: ${s.n.toLocaleString('en')} on one node, hub vs plain Socket.IO (issue #18)`,
    '',
    `- command: \`${result.command}\``,
    `- code: ${result.code}`,
    `- machine: ${m.cpus} × ${m.cpuModel}, ${fmt(m.totalMemGiB)} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAvgStart.map((v) => fmt(v, 2)).join(' / ')}, at end ${m.loadAvgEnd.map((v) => fmt(v, 2)).join(' / ')}`,
    `- settings: N = ${s.n.toLocaleString('en')}, ${s.rounds} rounds (sides alternate who goes first), idle ${s.idleS} s, ${result.frameBytes}-byte \`order:assigned\` frame on both sides, open-file limit ${s.openFileLimit ?? 'unknown'}`,
    '',
    ...(result.notes.length ? ['Notes:', ...result.notes.map((n) => `- ${n}`), ''] : []),
    ...(result.error ? [`**Failed:** ${result.error.split('\n')[0]}`, ''] : []),
    '| metric | plain Socket.IO | hub | hub / plain: median of rounds (min–max) |',
    '| --- | ---: | ---: | ---: |',
    ...ROWS.map(
      (row) =>
        `| ${row.label} | ${fmt(med('baseline', row.pick), row.digits)} | ${fmt(med('hub', row.pick), row.digits)} | ${ratioCell(result, row.pick)} |`,
    ),
    `| failed connections / not delivered (all rounds) | ${total('baseline', (r) => r.connect.failures)} / ${total('baseline', (r) => r.delivery.missing)} | ${total('hub', (r) => r.connect.failures)} / ${total('hub', (r) => r.delivery.missing)} | |`,
    '',
    'What is measured:',
    '- hub = `hub/src/main.ts` unchanged (SQLite, in-memory adapter, LOG_LEVEL=warn) in its own process; each client is an officer of one squad made for the run, with a session of their own (`auth.token`), so every socket joins its own rooms as in production. plain = a `socket.io` server with no middleware and no handlers on the N sockets.',
    '- clients: socket.io-client (websocket only, no reconnection) in 2 worker processes, 100 handshakes in flight; the servers and clients share the 2 cores.',
    "- memory = `process.memoryUsage()` inside the server process after a full GC, before connecting and after (then again after the idle period), divided by N: the server's cost alone.",
    "- broadcast = hub: the dispatcher's `order:create` (flash) to the squad, persisted before fan-out; plain: a sender's `relay` of the same payload, `socket.broadcast.emit`. Latency from just before the emit to each client's handler, on the machine's clock.",
    '',
  ];
  return lines.join('\n');
}
