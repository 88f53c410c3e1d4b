import type { PoolConnectRound, PoolTraffic } from './group-pool.ts';
import type { CheckStats } from './group-worker.ts';
import type { LoopDelay } from './loop-delay.ts';
import type { Machine } from './machine.ts';
import type { PerConnection } from './memory.ts';

/** One side at one rate. */
export interface Level {
  side: 'hub' | 'plain';
  /** Messages per second per group, and over all groups. */
  perGroup: number;
  total: number;
  seconds: number;
  /** p99 under the limit, nothing missing, no send refused. */
  ok: boolean;
  traffic: PoolTraffic;
  /** The server process's CPU time over the level, per message sent (ms), and its user and system parts. */
  cpuMsPerMessage: number;
  userMsPerMessage: number;
  systemMsPerMessage: number;
  /** hub: store queries over the level, per message sent (NaN for plain). */
  queriesPerMessage: number;
  /** hub: time spent in store statements, per message sent (ms; SQLite's run on the main thread). */
  storeMsPerMessage?: number;
  /** The server's event-loop delay over the level: what blocked every socket of the node at once. */
  loopDelay: LoopDelay;
}

/** The whole run, as written to load/out/group-chat-*.json. */
export interface GroupResult {
  startedAt: string;
  command: string;
  code: string;
  machine: Machine;
  settings: {
    groups: number;
    members: number;
    steadyS: number;
    stepS: number;
    idleS: number;
    missed: number;
    /** Groups where one member has the chat open (`group:watch`): the only ones whose read counts are sent. */
    watchedGroups: number;
    workers: number;
    p99LimitMs: number;
    openFileLimit: number | undefined;
  };
  notes: string[];
  frameBytes?: number;
  hubConnect?: PoolConnectRound;
  plainConnect?: PoolConnectRound;
  hubMemory?: PerConnection;
  plainMemory?: PerConnection;
  levels: Level[];
  /** Each server's CPU per second at rest: everyone connected, nothing sent. */
  idleCpuMsPerSecond?: { hub: number; plain: number };
  plainStorm?: PoolConnectRound;
  hubStorm?: PoolConnectRound;
  check?: CheckStats;
  /** Messages the store holds, messages the hub acknowledged, groups whose seqs are not exactly 1..last. */
  store?: { messages: number; acked: number; seqGapsOrDoubles: number };
  error?: string;
}

const fmt = (v: number | undefined, digits = 1) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');
const ratio = (h: number | undefined, p: number | undefined) =>
  h !== undefined && p !== undefined && p > 0 ? fmt(h / p, 2) : '–';

function levelTable(result: GroupResult): string {
  const lines = [
    '| rate per group (all groups) | plain p50 / p99 / max (ms) | hub p50 / p99 / max (ms) | hub / plain p99 | plain sent/s, missing | hub sent/s, missing, refused | server CPU per message, plain / hub (ms) | user + system per message, plain; hub (ms) | hub store queries; ms in them, per message | event-loop delay p99 / max, plain; hub (ms) | p99 < 200 ms: plain / hub |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
  ];
  for (const rate of [...new Set(result.levels.map((l) => l.perGroup))]) {
    const p = result.levels.find((l) => l.perGroup === rate && l.side === 'plain');
    const h = result.levels.find((l) => l.perGroup === rate && l.side === 'hub');
    const lat = (l?: Level) =>
      l ? `${fmt(l.traffic.latency.p50)} / ${fmt(l.traffic.latency.p99)} / ${fmt(l.traffic.latency.max)}` : 'not run';
    const yes = (l?: Level) => (l ? (l.ok ? 'yes' : 'NO') : '–');
    const split = (l?: Level) => (l ? `${fmt(l.userMsPerMessage, 2)} + ${fmt(l.systemMsPerMessage, 2)}` : '–');
    const loop = (l?: Level) => (l ? `${fmt(l.loopDelay.p99Ms, 1)} / ${fmt(l.loopDelay.maxMs, 1)}` : '–');
    lines.push(
      `| ${rate}/s (${p?.total ?? h?.total}/s)${p?.seconds === result.settings.steadyS || h?.seconds === result.settings.steadyS ? `, ${result.settings.steadyS} s` : ''} | ${lat(p)} | ${lat(h)} | ${ratio(h?.traffic.latency.p99, p?.traffic.latency.p99)} | ` +
        `${p ? `${fmt(p.traffic.sentPerSecond, 0)}, ${p.traffic.missing}` : '–'} | ${h ? `${fmt(h.traffic.sentPerSecond, 0)}, ${h.traffic.missing}, ${h.traffic.sendFailures}` : '–'} | ${fmt(p?.cpuMsPerMessage, 2)} / ${fmt(h?.cpuMsPerMessage, 2)} | ${split(p)}; ${split(h)} | ${fmt(h?.queriesPerMessage, 1)}; ${fmt(h?.storeMsPerMessage, 2)} | ${loop(p)}; ${loop(h)} | ${yes(p)} / ${yes(h)} |`,
    );
  }
  return lines.join('\n');
}

/** The highest rate a side passed (a side stops after going over at two rates in a row). */
const highest = (result: GroupResult, side: Level['side']) => {
  let best: Level | undefined;
  for (const l of result.levels.filter((x) => x.side === side && x.ok))
    if (!best || l.perGroup > best.perGroup) best = l;
  return best
    ? `${best.total} messages/s (${best.perGroup}/s per group, ${best.total * result.settings.members} deliveries/s)`
    : 'none of the rates tried';
};

const storm = (r?: PoolConnectRound) =>
  r
    ? `${fmt(r.allDoneMs, 0)} ms (per client p50 ${fmt(r.doneMs.p50, 0)}, p99 ${fmt(r.doneMs.p99, 0)}); ${r.clients} done, ${r.attempts} handshakes, ${r.failures} failed${r.failureSamples.length ? ` (${r.failureSamples.map((s) => `\`${s}\``).join(', ')})` : ''}`
    : 'not run';

export function renderGroupMarkdown(result: GroupResult): string {
  const m = result.machine;
  const s = result.settings;
  const n = s.groups * s.members;
  const steadyPlain = result.levels.find((l) => l.side === 'plain' && l.perGroup === 1);
  const steadyHub = result.levels.find((l) => l.side === 'hub' && l.perGroup === 1);
  const lines = [
    `## ${result.startedAt.slice(0, 10)} — group chat, ${s.groups} groups × ${s.members} members, hub vs plain Socket.IO room broadcast`,
    '',
    `- command: \`${result.command}\``,
    `- code: ${result.code}`,
    `- machine: ${m.cpus} × ${m.cpuModel}, ${fmt(m.totalMemGiB)} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAvgStart.map((v) => fmt(v, 2)).join(' / ')}, at end ${m.loadAvgEnd.map((v) => fmt(v, 2)).join(' / ')}`,
    `- settings: ${n.toLocaleString('en')} members per side in ${s.workers} client worker processes per side (whole groups per worker), rate 1 held ${s.steadyS} s, higher rates ${s.stepS} s each, the chat open (\`group:watch\`) in ${s.watchedGroups} of ${s.groups} groups (one member each), ${fmt(result.frameBytes, 0)}-byte \`message:created\` frame on both sides, open-file limit ${s.openFileLimit ?? 'unknown'}`,
    '',
    `| | plain Socket.IO | hub | hub / plain |`,
    '| --- | ---: | ---: | ---: |',
    `| latency p50 at 1 message/s per group (ms) | ${fmt(steadyPlain?.traffic.latency.p50)} | ${fmt(steadyHub?.traffic.latency.p50)} | ${ratio(steadyHub?.traffic.latency.p50, steadyPlain?.traffic.latency.p50)} |`,
    `| latency p99 at 1 message/s per group (ms) | ${fmt(steadyPlain?.traffic.latency.p99)} | ${fmt(steadyHub?.traffic.latency.p99)} | ${ratio(steadyHub?.traffic.latency.p99, steadyPlain?.traffic.latency.p99)} |`,
    `| highest rate with p99 < ${s.p99LimitMs} ms | ${highest(result, 'plain')} | ${highest(result, 'hub')} | |`,
    `| reconnect storm: all ${n.toLocaleString('en')} reconnected (plain) / reconnected and caught up (hub) | ${storm(result.plainStorm)} | ${storm(result.hubStorm)} | ${ratio(result.hubStorm?.allDoneMs, result.plainStorm?.allDoneMs)} |`,
    `| lost / doubled messages, every member over the whole run | | ${result.check ? `${result.check.lost} / ${result.check.doubled}` : '–'} | |`,
    `| store: messages held / acknowledged to senders; groups whose seqs are not exactly 1..last | | ${result.store ? `${result.store.messages} / ${result.store.acked}; ${result.store.seqGapsOrDoubles}` : '–'} | |`,
    `| heap / connection, server (KiB) | ${fmt(result.plainMemory?.heapKiB)} | ${fmt(result.hubMemory?.heapKiB)} | ${ratio(result.hubMemory?.heapKiB, result.plainMemory?.heapKiB)} |`,
    `| server CPU at rest, all connected, nothing sent (ms per second, over ${s.idleS} s) | ${fmt(result.idleCpuMsPerSecond?.plain)} | ${fmt(result.idleCpuMsPerSecond?.hub)} | ${ratio(result.idleCpuMsPerSecond?.hub, result.idleCpuMsPerSecond?.plain)} |`,
    `| RSS / connection, server (KiB) | ${fmt(result.plainMemory?.rssKiB)} | ${fmt(result.hubMemory?.rssKiB)} | |`,
    `| connect all members, 100 handshakes in flight (ms; hub includes each member's first group:sync) | ${fmt(result.plainConnect?.allDoneMs, 0)} | ${fmt(result.hubConnect?.allDoneMs, 0)} | ${ratio(result.hubConnect?.allDoneMs, result.plainConnect?.allDoneMs)} |`,
    '',
    'Every rate, same run (sides alternate which goes first at each rate; a side stops once it has gone over the limit at two rates in a row):',
    '',
    levelTable(result),
    '',
    'What is measured:',
    "- hub = `hub/src/main.ts` unchanged (SQLite, LOG_LEVEL=warn) in its own process; its store is prepared first with the hub's own functions: demo seed, then " +
      `${s.groups} squads of ${s.members} officers + 1 poster each under the first station, a session per officer, and the squads' groups by \`provisionGroups\`. ` +
      'Each member connects with its own token, syncs its group from seq 0 (`group:sync`) and keeps the seqs it holds.',
    "- plain = a `socket.io` server in its own process, no middleware; each member joins the room its handshake names; a member emits `relay-room` and the server does `io.to(room).emit('message:created', …)` — the sender included, as the hub does — with the payload shape the hub sent (a `MessageView`).",
    "- traffic: at rate r each group gets r messages a second, the groups' phases spread evenly over the second; the sender is the group's next member in turn (hub: `message:send` with a client id; the hub persists, then emits to the group's room). " +
      "Latency runs from when the message was due (not when a busy loop sent it: no coordinated omission) to each member's `message:created` handler, the sender's own copy included; sender and members of a group live in one worker, one clock. " +
      'Missing = deliveries not in within 5 s after the last send; refused = a send the hub answered with an error.',
    `- reconnect storm: all members drop their connections (client side) at once; plain: all reconnect at once, timed until every one is connected. Hub: then each group's poster sends ${s.missed} messages, and all members reconnect at once ` +
      "(a refused or timed-out handshake retries after a full-jitter backoff, as a real client does), each asking `group:sync` for what came after its cursor; timed until every member holds its group's last seq.",
    "- lost = seqs between 1 and the group's last seq in the store that a member never got, live or by sync, over the whole run; doubled = one seq delivered live twice to a member, or one seq seen with two message ids. Seqs that came both live and in a sync answer are expected (the hub joins rooms before reading the catch-up) and dropped by seq: " +
      `${result.check?.syncOverlap ?? '–'} this run.`,
    "- server CPU = `process.cpuUsage()` of the server process over a level, divided by the messages sent, also as its user part (JavaScript: handlers, encoding, the store's library) and system part (the kernel: socket writes, file I/O); store queries = the hub's `hub_store_query_seconds_count` from `/metrics`; event-loop delay = `monitorEventLoopDelay` inside the server over the level (how long timers waited: work that held every socket of the node at once).",
    '- memory = `process.memoryUsage()` inside the server process after a full GC, before and after connecting the members (hub: members + posters), divided by the connections: the server alone.',
    '',
  ];
  if (result.notes.length) lines.push('Notes:', ...result.notes.map((x) => `- ${x}`), '');
  if (result.error) lines.push(`**Failed:** ${result.error.split('\n')[0]}`, '');
  return lines.join('\n');
}
