import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@fengqiao/hub/test-support';

const hubDir = fileURLToPath(new URL('../../hub/', import.meta.url));
const repoDir = fileURLToPath(new URL('../../', import.meta.url));

/** A hub running as its own process (`hub/src/main.ts`, as `pnpm start` runs it), for faults a process takes: kill -9, SIGTERM. */
export interface HubProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts `hub/src/main.ts` with these settings on a free port; resolves once it printed its banner
 * (or rejects with its output when it exits first). Pass `wait: false` to get it while it starts;
 * `compiled: true` runs the build instead, as the README says: `node hub/dist/main.js` from the repository.
 */
export async function spawnHub(
  env: Record<string, string>,
  opts: { wait?: boolean; compiled?: boolean } = {},
): Promise<HubProcess> {
  const port = await freePort();
  const [args, cwd] = opts.compiled ? [['hub/dist/main.js'], repoDir] : [['--import', 'tsx', 'src/main.ts'], hubDir];
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The demo data, asked for explicitly (production is the default); a test passes SEED_DEMO=never to opt out.
      SEED_DEMO: 'demo',
      REDIS_URL: '',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const proc: HubProcess = { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
  if (opts.wait === false) return proc;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${out}`)), 30_000);
    const seen = () => {
      if (!out.includes('Fengqiao Hub is up')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', seen);
    void exited.then((code) => reject(new Error(`hub exited ${code}:\n${out}`)));
  });
  return proc;
}
