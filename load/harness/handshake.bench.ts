import { fork } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBaselineServer } from './baseline-server.ts';
import { maxConnectionsFor, openFileLimit } from './fd-limit.ts';
import type { ClientsRun } from './measure-clients.ts';
import type { RunSettings, TargetRun } from './measure-target.ts';
import { renderMarkdown, type BenchResult, type SizeResult } from './report.ts';
import type { Job, JobReply } from './worker.ts';
import { log, publish, runBench } from './bench-run.ts';

/**
 * Handshake and broadcast benchmark: the hub against plain Socket.IO, measured in the same run on
 * this machine, over 127.0.0.1 only. Sizes from argv (`1000,2000`) or BENCH_N; rounds from
 * BENCH_ROUNDS. Markdown to stdout (progress to stderr), JSON and Markdown to load/out/.
 */

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** Past this, the sizes are refused outright: the harness is for one small machine. */
const HARD_MAX_N = 20_000;

const positive = (raw: string | undefined, fallback: number) => {
  const v = Number(raw);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

function requestedSizes(): number[] {
  const raw = process.argv.slice(2).find((a) => /^[\d,_ ]+$/.test(a)) ?? process.env.BENCH_N ?? '1000,2000';
  const sizes = raw
    .split(',')
    .map((s) => Number(s.replace(/[_ ]/g, '')))
    .filter((v) => Number.isInteger(v) && v > 0);
  return sizes.length ? sizes : [1000, 2000];
}

/**
 * Runs one job in a fresh process and returns its result. A worker that outlives its time is
 * killed; one that answered but does not exit by itself left a handle open, which is reported.
 */
function runJob<T>(job: Job, timeoutMs: number, notes: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify(job)], {
      execArgv: [...process.execArgv, '--expose-gc'],
      // The worker's stdout goes to our stderr: stdout carries only the Markdown.
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    let reply: JobReply | undefined;
    let exitTimer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      notes.push(`a ${describe(job)} worker ran past ${timeoutMs} ms and was killed`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m) => {
      reply = m as JobReply;
      exitTimer = setTimeout(() => {
        notes.push(`a ${describe(job)} worker answered but did not exit within 10 s (a handle left open); killed`);
        child.kill('SIGKILL');
      }, 10_000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (exitTimer) clearTimeout(exitTimer);
      if (reply?.ok) resolve(reply.result as T);
      else
        reject(
          new Error(
            reply && !reply.ok ? reply.error : `${describe(job)} worker exited with ${signal ?? code} and no result`,
          ),
        );
    });
  });
}

const describe = (job: Job) => (job.kind === 'target' ? `${job.target} N=${job.n}` : `clients-only N=${job.n}`);

async function main(): Promise<void> {
  const notes: string[] = [];
  const limit = openFileLimit();
  const cap = Math.min(maxConnectionsFor(limit), HARD_MAX_N);
  const sizes = requestedSizes().map((n) => {
    if (n <= cap) return n;
    const why = `N=${n} needs about ${2 * n + 256} open files in one process (server and client ends), but \`ulimit -n\` is ${limit ?? 'unknown'}; capped to ${cap}. Raise it with \`ulimit -n\` before the run to measure more.`;
    notes.push(why);
    log(why);
    return cap;
  });
  const settings: RunSettings = {
    concurrency: positive(process.env.BENCH_CONCURRENCY, 100),
    connectTimeoutMs: 10_000,
    broadcastTimeoutMs: 15_000,
    warmup: 100,
  };
  const rounds = positive(process.env.BENCH_ROUNDS, 3);
  // Started by the package script (pnpm sets these), or directly.
  const script = process.env.npm_lifecycle_script;
  const viaScript = script?.includes('handshake.bench') ? process.env.npm_lifecycle_event : undefined;
  const args = process.argv.slice(2).join(' ');
  const result: BenchResult = {
    startedAt: new Date().toISOString(),
    command: viaScript
      ? `pnpm --filter @fengqiao/load ${viaScript}${args ? ` ${args}` : ''}  →  ${script}`
      : `tsx ${process.argv.slice(1).join(' ')}`,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      totalMemGiB: totalmem() / 2 ** 30,
      node: process.version,
      os: `${type()} ${release()}`,
      loadAvgStart: loadavg(),
      loadAvgEnd: [],
    },
    settings: { ...settings, rounds, openFileLimit: limit, gcExposed: false },
    notes,
    sizes: [],
  };

  const clientsServer = await startBaselineServer();
  try {
    for (const n of sizes) {
      const timeoutMs = 60_000 + n * 30;
      const size: SizeResult = { n, rounds: [], clients: undefined };
      for (let round = 0; round < rounds; round += 1) {
        // Alternate who goes first, so a machine that gets busier during the run does not favour one side.
        const order = round % 2 === 0 ? (['baseline', 'hub'] as const) : (['hub', 'baseline'] as const);
        const runs: Partial<Record<'baseline' | 'hub', TargetRun>> = {};
        for (const target of order) {
          log(`N=${n} round ${round + 1}/${rounds}: ${target}`);
          runs[target] = await runJob<TargetRun>({ kind: 'target', target, n, settings }, timeoutMs, notes);
        }
        size.rounds.push({ baseline: runs.baseline!, hub: runs.hub! });
      }
      log(`N=${n}: clients alone`);
      size.clients = await runJob<ClientsRun>(
        { kind: 'clients', url: clientsServer.url, n, settings },
        timeoutMs,
        notes,
      );
      result.sizes.push(size);
    }
  } finally {
    await clientsServer.close();
  }

  result.machine.loadAvgEnd = loadavg();
  result.settings.gcExposed = result.sizes.every((s) => s.rounds.every((r) => r.baseline.gcExposed && r.hub.gcExposed));
  const markdown = renderMarkdown(result);
  await publish(result, markdown, 'handshake');
}

runBench(main);
