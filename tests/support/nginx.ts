import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@fengqiao/hub/test-support';

/** The shipped proxy configuration: tests run this file, not a copy of it. */
export const NGINX_CONF = fileURLToPath(new URL('../../deploy/nginx/fengqiao.conf', import.meta.url));
/** The hub ports the shipped file names, in node order (NODE_ID hub-<port>). */
export const SHIPPED_PORTS = [3001, 3002, 3003] as const;

const NGINX = ['/usr/sbin/nginx', 'nginx'].find((bin) => spawnSync(bin, ['-v']).status === 0);

/**
 * True when nginx is installed. When it is not: under REQUIRE_SERVICES=1 (CI) this throws so the
 * suite fails; otherwise it prints why and the caller skips (as hub/test-support/services.ts does).
 */
export function nginxAvailable(): boolean {
  if (NGINX) return true;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error('nginx is required (REQUIRE_SERVICES=1) but not installed');
  console.warn('skipping nginx tests: nginx is not installed (apt-get install nginx)');
  return false;
}

/**
 * The shipped file for a test: hub ports for 3001, 3002, 3003 (a node not given gets a port nobody
 * listens on: a node that is down), loopback listeners on free ports, and the HTTPS server block
 * served as plain HTTP because its certificate paths are placeholders. Everything else verbatim.
 */
export function renderNginxConfig(hubPorts: number[], listen: { http: number; https: number; down: number }): string {
  let conf = readFileSync(NGINX_CONF, 'utf8');
  SHIPPED_PORTS.forEach((shipped, i) => {
    conf = conf.replaceAll(`server 127.0.0.1:${shipped}`, `server 127.0.0.1:${hubPorts[i] ?? listen.down}`);
  });
  const swaps: [RegExp, string][] = [
    [/^\s*listen \[::\]:.*$\n/gm, ''],
    [/^\s*ssl_.*$\n/gm, ''],
    [/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${listen.http};`],
    [/^(\s*)listen 443 ssl;$/m, `$1listen 127.0.0.1:${listen.https};`],
  ];
  for (const [pattern, replacement] of swaps) {
    if (!pattern.test(conf)) throw new Error(`${NGINX_CONF} no longer has ${pattern}: update tests/support/nginx.ts`);
    conf = conf.replace(pattern, replacement);
  }
  return conf;
}

export interface Nginx {
  /** The site (the shipped HTTPS server block), e.g. http://127.0.0.1:41234. */
  url: string;
  /** The shipped port-80 server block: redirects to HTTPS. */
  redirectUrl: string;
  /** Everything nginx wrote to its error log so far. */
  errors(): string;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * Our own nginx, never the system's: a generated nginx.conf in a temp prefix that includes the
 * rendered shipped file, run as a non-daemon child on loopback. Resolves once it accepts connections.
 */
export async function startNginx(hubPorts: number[]): Promise<Nginx> {
  if (!NGINX) throw new Error('nginx is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'fq-nginx-'));
  // Workers run as nobody when the tests run as root: they need to reach their temp folders.
  chmodSync(dir, 0o755);
  const [http, https, down] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'fengqiao.conf'), renderNginxConfig(hubPorts, { http, https, down }));
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 8192; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
      `  include ${dir}/fengqiao.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', `${dir}/nginx.conf`, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors = () => {
    try {
      return stderr + readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return stderr;
    }
  };
  let up = false;
  for (let i = 0; i < 100 && child.exitCode === null && !up; i += 1) {
    up = (await listening(https)) && (await listening(http));
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`nginx did not start:\n${errors()}`);
  }
  return {
    url: `http://127.0.0.1:${https}`,
    redirectUrl: `http://127.0.0.1:${http}`,
    errors,
    async stop() {
      // SIGQUIT: graceful shutdown of master and workers; SIGKILL if it hangs.
      child.kill('SIGQUIT');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
