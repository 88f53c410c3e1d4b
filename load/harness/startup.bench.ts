import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { median } from './stats.ts';

/**
 * Hub start-up, spawn to banner: `tsx src/main.ts` (how `pnpm start` runs it) against the
 * compiled `node dist/main.js`, on the same migrated SQLite store, rounds alternating which goes
 * first. The banner's own "up in N ms" (store, services, listen) is read too: the difference is
 * loading and compiling the code. BENCH_ROUNDS (default 7).
 */
const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const hubDir = join(repoDir, 'hub');
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);

const variants = {
  tsx: [join(hubDir, 'node_modules/.bin/tsx'), ['src/main.ts']],
  compiled: [process.execPath, ['dist/main.js']],
} as const;
type Variant = keyof typeof variants;

function startOnce(variant: Variant, dataDir: string): Promise<{ toBanner: number; hubSays: number }> {
  const [cmd, args] = variants[variant];
  const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'never' };
  const started = performance.now();
  const child = spawn(cmd, args, {
    cwd: hubDir,
    env: { ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    let result: { toBanner: number; hubSays: number } | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const up = /is up in (\d+) ms/.exec(out);
      if (!up || result) return;
      result = { toBanner: performance.now() - started, hubSays: Number(up[1]) };
      // SIGTERM, not SIGKILL: the tsx CLI passes it on to the node process it started.
      child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${variant} exited ${code} before its banner:\n${out}`)),
    );
  });
}

const machine = describeMachine();
const buildStarted = performance.now();
execFileSync('pnpm', ['--filter', '@fengqiao/hub', 'build'], { cwd: repoDir, stdio: 'ignore' });
const buildMs = performance.now() - buildStarted;

const dataDir = mkdtempSync(join(tmpdir(), 'fq-startup-'));
execFileSync(process.execPath, ['dist/migrate.js'], { cwd: hubDir, env: { ...process.env, DATA_DIR: dataDir } });
const samples: Record<Variant, { toBanner: number[]; hubSays: number[] }> = {
  tsx: { toBanner: [], hubSays: [] },
  compiled: { toBanner: [], hubSays: [] },
};
const rows: string[] = [];
try {
  await startOnce('compiled', dataDir); // warm the file cache for both
  await startOnce('tsx', dataDir);
  for (let round = 1; round <= rounds; round++) {
    const order: Variant[] = round % 2 ? ['tsx', 'compiled'] : ['compiled', 'tsx'];
    for (const variant of order) {
      const r = await startOnce(variant, dataDir);
      samples[variant].toBanner.push(r.toBanner);
      samples[variant].hubSays.push(r.hubSays);
      rows.push(`| ${round} | ${variant} | ${r.toBanner.toFixed(0)} | ${r.hubSays} |`);
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const med = (v: Variant) => median(samples[v].toBanner);
process.stdout.write(
  [
    `- command: \`${commandLine('startup.bench.ts')}\``,
    `- code: ${codeVersion(repoDir)}`,
    `- machine: ${machine.cpus} × ${machine.cpuModel}; load average ${machine.loadAvgStart.map((l) => l.toFixed(1)).join(' / ')} at start, ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at end; Node ${machine.node}`,
    `- build (\`pnpm --filter @fengqiao/hub build\`, esbuild, 3 entry points): ${buildMs.toFixed(0)} ms including pnpm`,
    '',
    '| round | variant | spawn → banner (ms) | banner "up in" (ms) |',
    '| ---: | --- | ---: | ---: |',
    ...rows,
    '',
    `median spawn → banner: tsx ${med('tsx').toFixed(0)} ms, compiled ${med('compiled').toFixed(0)} ms; ` +
      `compiled / tsx = ${(med('compiled') / med('tsx')).toFixed(2)}×`,
    '',
  ].join('\n'),
);
