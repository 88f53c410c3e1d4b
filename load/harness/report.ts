import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ClientsRun } from './measure-clients.ts';
import type { RunSettings, TargetRun } from './measure-target.ts';
import { median } from './stats.ts';

/** Every run of one N: paired rounds (baseline and hub back to back) and the clients-only run. */
export interface SizeResult {
  n: number;
  rounds: { baseline: TargetRun; hub: TargetRun }[];
  clients: ClientsRun | undefined;
}

/** The whole bench, as written to load/out/*.json. */
export interface BenchResult {
  startedAt: string;
  command: string;
  machine: {
    cpus: number;
    cpuModel: string;
    totalMemGiB: number;
    node: string;
    os: string;
    loadAvgStart: number[];
    loadAvgEnd: number[];
  };
  settings: RunSettings & { rounds: number; openFileLimit: number | undefined; gcExposed: boolean };
  notes: string[];
  sizes: SizeResult[];
}

interface Row {
  label: string;
  pick: (run: TargetRun, clients: ClientsRun | undefined) => number;
}

const heapOf = (c: ClientsRun | undefined) => c?.memory.heapKiB ?? Number.NaN;
const rssOf = (c: ClientsRun | undefined) => c?.memory.rssKiB ?? Number.NaN;

/** The compared figures; every one of them is better when lower. */
const ROWS: Row[] = [
  { label: 'connect latency p50 (ms)', pick: (r) => r.connect.latency.p50 },
  { label: 'connect latency p99 (ms)', pick: (r) => r.connect.latency.p99 },
  { label: 'connect latency max (ms)', pick: (r) => r.connect.latency.max },
  { label: 'connect all N, total (ms)', pick: (r) => r.connect.totalMs },
  { label: 'heap / conn, server + clients (KiB)', pick: (r) => r.memory.heapKiB },
  { label: 'RSS / conn, server + clients (KiB)', pick: (r) => r.memory.rssKiB },
  { label: 'heap / conn, server only ≈ (KiB)', pick: (r, c) => r.memory.heapKiB - heapOf(c) },
  { label: 'RSS / conn, server only ≈ (KiB)', pick: (r, c) => r.memory.rssKiB - rssOf(c) },
  { label: 'broadcast: emit call (ms)', pick: (r) => r.broadcast.emitMs },
  { label: 'broadcast receive p50 (ms)', pick: (r) => r.broadcast.latency.p50 },
  { label: 'broadcast receive p99 (ms)', pick: (r) => r.broadcast.latency.p99 },
  { label: 'broadcast receive max = all N have it (ms)', pick: (r) => r.broadcast.latency.max },
];

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** The table for one N: medians over rounds, and the median of the per-round hub/baseline ratios with their range. */
function sizeTable(size: SizeResult): string {
  const lines = [
    `### N = ${size.n.toLocaleString('en')} connections (${size.rounds.length} rounds, medians)`,
    '',
    '| metric | baseline | hub | hub / baseline: median of rounds (min–max) |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const row of ROWS) {
    const base = size.rounds.map((r) => row.pick(r.baseline, size.clients));
    const hub = size.rounds.map((r) => row.pick(r.hub, size.clients));
    // A ratio of a negative or zero figure (RSS that shrank) means nothing: left out.
    const ratios = size.rounds
      .map((_, i) => (base[i]! > 0 && hub[i]! >= 0 ? hub[i]! / base[i]! : Number.NaN))
      .filter((v) => Number.isFinite(v));
    const range = ratios.length > 1 ? ` (${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})` : '';
    lines.push(`| ${row.label} | ${fmt(median(base))} | ${fmt(median(hub))} | ${fmt(median(ratios), 2)}${range} |`);
  }
  const sum = (f: (r: TargetRun) => number, t: 'baseline' | 'hub') => size.rounds.reduce((acc, r) => acc + f(r[t]), 0);
  const failed = (r: TargetRun) => r.connect.failures;
  const missed = (r: TargetRun) => r.broadcast.missing;
  const unseen = (r: TargetRun) => r.n - r.serverClients - r.connect.failures;
  lines.push(
    `| failed connections (all rounds) | ${sum(failed, 'baseline')} | ${sum(failed, 'hub')} | |`,
    `| broadcast not received (all rounds) | ${sum(missed, 'baseline')} | ${sum(missed, 'hub')} | |`,
    `| connected by client, not counted by server | ${sum(unseen, 'baseline')} | ${sum(unseen, 'hub')} | |`,
    '',
  );
  if (size.clients) {
    const c = size.clients;
    lines.push(
      `Client side alone (socket.io-client in a process without a server, ${c.connected.toLocaleString('en')} connected): ` +
        `heap ${fmt(c.memory.heapKiB)} KiB, RSS ${fmt(c.memory.rssKiB)} KiB, external ${fmt(c.memory.externalKiB)} KiB per connection.`,
      '',
    );
  }
  const samples = [
    ...new Set(size.rounds.flatMap((r) => [...r.baseline.connect.failureSamples, ...r.hub.connect.failureSamples])),
  ];
  if (samples.length) lines.push(`Connection errors seen: ${samples.map((s) => `\`${s}\``).join(', ')}`, '');
  return lines.join('\n');
}

/** The Markdown section the bench prints: self-describing, so it can be appended to RESULTS.md as is. */
export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const s = result.settings;
  const head = [
    `## ${result.startedAt.slice(0, 10)} — handshake and broadcast, hub vs plain Socket.IO`,
    '',
    `- command: \`${result.command}\``,
    `- machine: ${m.cpus} × ${m.cpuModel}, ${fmt(m.totalMemGiB)} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAvgStart.map((v) => fmt(v, 2)).join(' / ')}, at end ${m.loadAvgEnd.map((v) => fmt(v, 2)).join(' / ')}`,
    `- settings: ${s.rounds} rounds per N, ${s.concurrency} handshakes in flight, ${s.warmup} warm-up connections per process, connect timeout ${s.connectTimeoutMs} ms, open-file limit ${s.openFileLimit ?? 'unknown'}, gc ${s.gcExposed ? 'exposed (heap measured after full GC)' : 'NOT exposed (heap includes garbage)'}`,
    '',
    'What is measured:',
    '- Each (server, N, round) runs in a fresh Node process holding the server AND its N socket.io-client clients on 127.0.0.1: ' +
      'latencies include client-side work on the same 2 cores, and memory growth per connection is server + client.',
    '- baseline = plain `socket.io` Server, no middleware; hub = `startTestHub()` (SQLite, demo data), every client presenting the same ' +
      "officer's session token in `auth.token` (one HTTP log-in per process). Both: websocket only, `forceNew`, no reconnection, identical handshake bytes.",
    "- connect latency = `io()` to the client's `connect` event; total = first `io()` to last connection settled.",
    '- memory = `process.memoryUsage()` after full GC, before vs after connecting N, divided by N. "server only ≈" subtracts the client side ' +
      'measured separately (N clients in a process without a server, against a plain Socket.IO server in the bench process). RSS is coarse: pages freed after the warm-up are reused, so it understates; compare heap.',
    "- broadcast = one `system:announced` payload (a 183-byte frame) emitted to all N; receive latency from just before the emit to each client's " +
      "handler, on the process's one `performance.now()` clock. hub emits via `hub.realtime.io.emit`.",
    '- ratios: each round pairs a baseline and a hub process back to back (alternating which goes first); the ratio column is the median of the per-round ratios, so it can differ from the ratio of the two median columns. The range shows the noise.',
    '',
  ];
  const notes = result.notes.length ? ['Notes:', ...result.notes.map((n) => `- ${n}`), ''] : [];
  return [...head, ...notes, ...result.sizes.map(sizeTable)].join('\n');
}

const OUT_DIR = fileURLToPath(new URL('../out/', import.meta.url));

/** Writes the JSON (everything, every round) and the Markdown to load/out/, named by bench and start time. */
export async function writeOutputs(
  result: { startedAt: string },
  markdown: string,
  bench = 'handshake',
): Promise<{ json: string; md: string }> {
  await mkdir(OUT_DIR, { recursive: true });
  const stem = `${bench}-${result.startedAt.replace(/[:.]/g, '-')}`;
  const json = `${OUT_DIR}${stem}.json`;
  const md = `${OUT_DIR}${stem}.md`;
  await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(md, `${markdown}\n`);
  return { json, md };
}
