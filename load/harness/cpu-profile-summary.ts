import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProfileWindow } from './profile-phases.ts';

/**
 * Where a server node's CPU went (a hub, or the plain Socket.IO relay it is compared with): self
 * time by stage of a command's way through the server (router, schemas, store, Socket.IO, GC…), by
 * area (hub file, package, Node internals, GC) and the hottest functions, self and inclusive. Given
 * a folder, it reads the main thread's profile in it (`CPU.*.<pid>.0.*`: the thread the server runs on). `--phase=acks` (or connect, delivery) keeps
 * only the samples taken while that phase ran, from the `phases.json` the fan-out bench writes
 * beside the profiles; `--top=N` sets the list length. `--long=50` lists instead every stretch of
 * 50 ms or more that the main thread ran without going idle (what every socket of the node waited
 * out: the p99's cause), each with the functions that held it.
 *
 *   pnpm --filter @fengqiao/load profile:summary out/cpu-<run>/hub-a-<ms> --phase=acks
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A readable place: `hub/src/orders/receipt-batcher.ts`, a package name, `node:…`, or `(gc)`. */
function areaOf(url: string, name: string): string {
  if (!url) return `(${name.replace(/[()]/g, '') || 'native'})`;
  const hub = /\/hub\/src\/(.+)$/.exec(url);
  if (hub) return `hub/src/${hub[1]}`;
  const load = /\/load\/harness\/(.+)$/.exec(url);
  if (load) return `load/harness/${load[1]}`;
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node: internals';
  return url.replace(/^file:\/\//, '');
}

const oneOf = (...names: string[]) => {
  const set = new Set(names);
  return (area: string) => set.has(area);
};

/** Stages of a command's way through a server, each the areas whose self time it sums; the rest is "other packages". */
const STAGES: [stage: string, test: (area: string) => boolean][] = [
  [
    'command router: admission, payload check, answer, counts',
    oneOf(
      'hub/src/realtime/command-router.ts',
      'hub/src/realtime/command-limits.ts',
      'hub/src/validate.ts',
      'hub/src/http/metrics-commands.ts',
      'hub/src/http/metrics-sync.ts',
    ),
  ],
  [
    'metrics: prom-client (store query timings, fan-out latency), emit meter',
    (a) => a === 'prom-client' || a.startsWith('hub/src/http/metrics'),
  ],
  ['payload schemas (zod)', oneOf('zod')],
  [
    'store: Kysely, SQLite / PostgreSQL driver, hub/src/store',
    (a) => oneOf('kysely', 'better-sqlite3', 'pg', 'pg-pool', 'pg-protocol')(a) || a.startsWith('hub/src/store/'),
  ],
  [
    'Socket.IO: parse, encode, rooms, engine, ws',
    (a) =>
      oneOf('socket.io', 'socket.io-parser', 'socket.io-adapter', 'engine.io', 'engine.io-parser', 'ws')(a) ||
      a.startsWith('@socket.io/'),
  ],
  ['hub: domain code (groups, conversations, fan-out, …)', (a) => a.startsWith('hub/src/')],
  ['bench harness in the server (relay, IPC)', (a) => a.startsWith('load/harness/')],
  ['socket writes (writev: mostly the kernel)', oneOf('(writev)', '(writeBuffer)', '(writeUtf8String)')],
  ['garbage collector', oneOf('(garbage collector)')],
  ['native and Node internals (crypto, timers, streams, …)', (a) => a === 'node: internals' || a.startsWith('(')],
];
const stageOf = (area: string) => STAGES.find(([, test]) => test(area))?.[0] ?? 'other packages';

const fnOf = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'}  ${areaOf(f.url, f.functionName)}:${f.lineNumber + 1}`;

function main(): void {
  const given = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!given)
    throw new Error('usage: cpu-profile-summary <folder | file.cpuprofile> [--phase=acks|delivery|connect] [--top=25]');
  const main = statSync(given).isDirectory()
    ? readdirSync(given).find((f) => /^CPU\..*\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    : undefined;
  if (statSync(given).isDirectory() && !main)
    throw new Error(`no main-thread profile (CPU.*.<pid>.0.*.cpuprofile) in ${given}`);
  const file = main ? join(given, main) : given;
  const phase = process.argv.find((a) => a.startsWith('--phase='))?.slice('--phase='.length);
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice('--top='.length) ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

  let windows: ProfileWindow[] | undefined;
  if (phase) {
    const phasesFile = join(dirname(file), 'phases.json');
    if (!existsSync(phasesFile))
      throw new Error(`no ${phasesFile}: --phase needs a profile from the fan-out or group chat bench`);
    windows = (JSON.parse(readFileSync(phasesFile, 'utf8')) as ProfileWindow[]).filter((w) => w.phase === phase);
  }

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inWindow = (t: number) => !windows || windows.some((w) => t >= w.fromUs && t <= w.toUs);
  const longMs = process.argv.find((a) => a.startsWith('--long='))?.slice('--long='.length);
  if (longMs) return listLongStretches(profile, byId, parent, inWindow, Number(longMs) * 1000, top);

  const self = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (!inWindow(t)) continue;
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += weight;
      continue;
    }
    total += weight;
    const key = fnOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + weight);
    const a = areaOf(node.callFrame.url, node.callFrame.functionName);
    area.set(a, (area.get(a) ?? 0) + weight);
    // Inclusive: every distinct function on the stack gets the sample once (recursion counts once).
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = fnOf(byId.get(id)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + weight);
    }
  }

  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const list = (title: string, m: Map<string, number>, filter: (k: string) => boolean = () => true) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...m]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top))
      console.log(`${ms(v)} ms ${pct(v)}  ${k}`);
  };
  const span = windows ? `${windows.length} windows of phase "${phase}"` : 'the whole profile';
  console.log(`${file}\n${span}: ${ms(total)} ms on CPU, ${ms(idle)} ms idle`);
  const stages = new Map<string, number>();
  for (const [a, v] of area) stages.set(stageOf(a), (stages.get(stageOf(a)) ?? 0) + v);
  list('Self time by stage', stages);
  list('Self time by area', area);
  list('Self time by function', self);
  list('Inclusive time, hub functions', inclusive, (k) => k.includes('hub/src/'));
  list('Inclusive time, everything', inclusive, (k) => !k.startsWith('(root)') && !k.startsWith('(program)'));
}

/**
 * Every stretch of at least `minUs` in which the main thread took no idle sample, in time order:
 * when it started (ms into the profile), how long it ran, and the functions on its stacks by
 * inclusive time (each counted once per sample).
 */
function listLongStretches(
  profile: CpuProfile,
  byId: Map<number, ProfileNode>,
  parent: Map<number, number>,
  inWindow: (t: number) => boolean,
  minUs: number,
  top: number,
): void {
  const stretches: { from: number; us: number; samples: number[] }[] = [];
  let open: { from: number; us: number; samples: number[] } | undefined;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i] ?? 0;
    const weight = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === '(idle)' || !inWindow(t)) {
      if (open && open.us >= minUs) stretches.push(open);
      open = undefined;
      continue;
    }
    open ??= { from: t, us: 0, samples: [] };
    open.us += weight;
    open.samples.push(node.id);
  }
  if (open && open.us >= minUs) stretches.push(open);
  console.log(`${stretches.length} stretches of ${minUs / 1000} ms or more without an idle sample`);
  for (const s of stretches) {
    const inclusive = new Map<string, number>();
    for (const leaf of s.samples) {
      const seen = new Set<string>();
      for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
        const k = fnOf(byId.get(id)!.callFrame);
        if (seen.has(k)) continue;
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + 1);
      }
    }
    console.log(
      `\nat ${((s.from - profile.startTime) / 1000).toFixed(0)} ms: ${(s.us / 1000).toFixed(0)} ms, ${s.samples.length} samples`,
    );
    for (const [k, n] of [...inclusive]
      .filter(([k]) => !k.startsWith('(root)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top))
      console.log(`  ${String(Math.round((100 * n) / s.samples.length)).padStart(3)}%  ${k}`);
  }
}

main();
