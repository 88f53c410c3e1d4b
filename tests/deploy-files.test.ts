import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MAX_IMAGE_BYTES, MAX_IMPORT_BYTES } from '@fengqiao/hub/protocol';

/**
 * The three ways to run the hubs (systemd, containers, nginx in front of both) checked against
 * each other and against the hub, since no Docker daemon runs here: the Dockerfile linted with
 * hadolint's main rules written as checks, the compose file parsed, and every step compared.
 */
const read = (path: string) => readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** `NAME=value` lines of an environment file. */
function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The keys of a zod `envSchema` object in a config source file. */
function schemaKeys(...files: string[]): Set<string> {
  const keys = new Set<string>();
  for (const f of files) for (const m of read(f).matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)) keys.add(m[1]!);
  return keys;
}

/** systemd `Key=value` lines of a unit (the last wins, as systemd reads them for single-valued keys). */
function unit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

const dockerfile = instructions(read('deploy/Dockerfile'));
const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
  services: Record<string, Record<string, any>>;
};
const nginxConf = read('deploy/nginx/fengqiao.conf');
const hubUnit = unit(read('deploy/systemd/fengqiao-hub@.service'));
const migrateUnit = unit(read('deploy/systemd/fengqiao-migrate.service'));
const botsUnit = unit(read('deploy/systemd/fengqiao-bots.service'));
const hubEnv = envFile(read('deploy/systemd/hub.env'));
const botsEnv = envFile(read('deploy/systemd/bots.env'));
const hubKeys = schemaKeys('hub/src/config.ts', 'hub/src/push-config.ts');
const botKeys = schemaKeys('bots/src/config.ts');

const hubServices = Object.entries(compose.services).filter(([name]) => /^hub-\d+$/.test(name));
/** What a compose service runs: its own command, or the image's CMD. */
const cmdOfImage = JSON.parse(dockerfile.findLast((i) => i.op === 'CMD')!.args) as string[];
const commandOf = (service: Record<string, any>): string => ((service.command as string[]) ?? cmdOfImage).join(' ');
/** A systemd ExecStart without the absolute path of node: what runs in /opt/fengqiao. */
const execOf = (u: Map<string, string[]>) => u.get('ExecStart')![0]!.replace(/^\/usr\/bin\/node /, 'node ');

describe('Dockerfile (hadolint-style rules)', () => {
  const froms = dockerfile.filter((i) => i.op === 'FROM');
  const stages = froms.map((f) => /\bAS\s+(\S+)/i.exec(f.args)?.[1]);

  it('is multi-stage with named stages, and copies only from earlier ones', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(stages.every(Boolean)).toBe(true);
    let seen = 0;
    for (const i of dockerfile) {
      if (i.op === 'FROM') seen += 1;
      const from = /--from=(\S+)/.exec(i.args)?.[1];
      if (i.op === 'COPY' && from) expect(stages.slice(0, seen - 1)).toContain(from);
    }
  });

  it('pins every base image to a version (DL3006, DL3007): no bare name, no latest', () => {
    for (const f of froms) {
      const image = f.args.split(/\s+/)[0]!;
      if (stages.includes(image)) continue; // FROM an earlier stage
      expect(image).toMatch(/^[\w./-]+:\d[\w.-]*$|@sha256:[0-9a-f]{64}$/);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it('runs the final stage as a non-root user (DL3002)', () => {
    const last = dockerfile.slice(dockerfile.lastIndexOf(froms.at(-1)!));
    const user = last.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('has a HEALTHCHECK on /healthz, which the hub serves', () => {
    const check = dockerfile.filter((i) => i.op === 'HEALTHCHECK');
    expect(check).toHaveLength(1);
    expect(check[0]!.args).toContain('/healthz');
    expect(read('hub/src/http/health.routes.ts')).toContain("r.get('/healthz'");
  });

  it('never ADDs (DL3020: COPY, and never a URL), uses exec-form CMD and no sudo or apt upgrade', () => {
    expect(dockerfile.filter((i) => i.op === 'ADD')).toEqual([]);
    expect(cmdOfImage.length).toBeGreaterThan(0);
    for (const r of dockerfile.filter((i) => i.op === 'RUN')) {
      expect(r.args).not.toMatch(/\bsudo\b|apt(-get)? (dist-)?upgrade|curl [^|]*\|\s*(ba)?sh/);
      if (/apt-get install/.test(r.args)) expect(r.args).toContain('--no-install-recommends');
    }
  });

  it('sets only environment names the hub reads (and NODE_ENV, which Express reads)', () => {
    for (const e of dockerfile.filter((i) => i.op === 'ENV').slice(1)) {
      for (const m of e.args.matchAll(/([A-Z][A-Z0-9_]*)=/g))
        expect(hubKeys.has(m[1]!) || m[1] === 'NODE_ENV').toBe(true);
    }
  });
});

describe('compose file', () => {
  it('has PostgreSQL, Redis, a one-shot migration, three hubs, the bots and the proxy, every image pinned', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['bots', 'hub-3001', 'hub-3002', 'hub-3003', 'migrate', 'postgres', 'proxy', 'redis'].sort(),
    );
    for (const s of Object.values(compose.services)) expect(s.image).toMatch(/^[\w./-]+:\d[\w.-]*$|:local$/);
    expect(compose.services.migrate!.restart).toBe('no');
    for (const [, hub] of hubServices)
      expect(hub.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('gives each hub a distinct NODE_ID named after its port, and none of them migrates', () => {
    const ids = hubServices.map(([name, s]) => {
      expect(s.environment.NODE_ID).toBe(`hub-${s.environment.PORT}`);
      expect(name).toBe(s.environment.NODE_ID);
      expect(s.environment.MIGRATE ?? hubEnv.MIGRATE).toBe('never');
      return s.environment.NODE_ID as string;
    });
    expect(new Set(ids).size).toBe(3);
  });

  it('uses only environment names the hub and the bots read', () => {
    for (const name of Object.keys(hubEnv)) expect(hubKeys, name).toContain(name);
    for (const name of Object.keys(botsEnv)) expect(botKeys, name).toContain(name);
    for (const s of [...hubServices.map(([, s]) => s), compose.services.migrate!])
      for (const name of Object.keys(s.environment ?? {})) expect(hubKeys, name).toContain(name);
  });
});

describe('systemd, containers and nginx agree step by step', () => {
  it('run the same entry commands', () => {
    expect(execOf(hubUnit)).toBe('node hub/dist/main.js');
    expect(cmdOfImage.join(' ')).toBe(execOf(hubUnit));
    for (const [, hub] of hubServices) expect(commandOf(hub)).toBe(execOf(hubUnit));
    expect(commandOf(compose.services.migrate!)).toBe(execOf(migrateUnit));
    expect(execOf(migrateUnit)).toBe('node hub/dist/migrate.js');
    expect(commandOf(compose.services.bots!)).toBe(execOf(botsUnit));
    expect(execOf(botsUnit)).toBe('node bots/dist/main.js');
  });

  it('read the same environment files, migrate first and run the nodes with MIGRATE=never', () => {
    expect(hubUnit.get('EnvironmentFile')).toEqual(['/etc/fengqiao/hub.env']);
    expect(migrateUnit.get('EnvironmentFile')).toEqual(['/etc/fengqiao/hub.env']);
    expect(botsUnit.get('EnvironmentFile')).toEqual(['/etc/fengqiao/bots.env']);
    for (const [, hub] of hubServices) expect(hub.env_file).toBe('systemd/hub.env');
    expect(compose.services.migrate!.env_file).toBe('systemd/hub.env');
    expect(compose.services.bots!.env_file).toBe('systemd/bots.env');
    expect(hubEnv.MIGRATE).toBe('never');
    expect(hubUnit.get('Requires')).toEqual(['fengqiao-migrate.service']);
    expect(migrateUnit.get('Type')).toEqual(['oneshot']);
    // Per node only in the unit: a value in hub.env would override it for every node.
    expect(hubUnit.get('Environment')).toEqual(['PORT=%i NODE_ID=hub-%i']);
    expect(hubEnv).not.toHaveProperty('PORT');
    expect(hubEnv).not.toHaveProperty('NODE_ID');
  });

  it('stop gracefully: SIGTERM and more time than the drain takes', () => {
    const drainS = Number(hubEnv.SHUTDOWN_DRAIN_MS) / 1000;
    expect(hubUnit.get('KillSignal')).toEqual(['SIGTERM']);
    // main.ts forces the exit SHUTDOWN_DRAIN_MS + 10 s after the signal.
    expect(Number(hubUnit.get('TimeoutStopSec')![0])).toBeGreaterThan(drainS + 10);
    for (const [, hub] of hubServices) expect(Number.parseInt(hub.stop_grace_period)).toBeGreaterThan(drainS + 10);
    expect(dockerfile.find((i) => i.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
  });

  it('run non-root and hardened, writing only the data folder', () => {
    for (const u of [hubUnit, migrateUnit, botsUnit]) {
      expect(u.get('User')).toEqual(['fengqiao']);
      expect(u.get('NoNewPrivileges')).toEqual(['yes']);
      expect(u.get('ProtectSystem')).toEqual(['strict']);
      expect(u.get('ReadWritePaths')).toEqual([hubEnv.DATA_DIR]);
    }
    expect(hubUnit.get('Restart')).toEqual(['on-failure']);
  });

  it('put the same nginx file in front: its nodes are the hubs, by port and by NODE_ID', () => {
    expect(compose.services.proxy!.volumes).toContain('./nginx/fengqiao.conf:/etc/nginx/conf.d/default.conf:ro');
    for (const [, hub] of hubServices) {
      const { PORT: port, NODE_ID: id } = hub.environment as Record<string, string>;
      expect(hub.network_mode).toBe('service:proxy');
      expect(nginxConf).toMatch(new RegExp(`upstream fengqiao \\{[^}]*server 127\\.0\\.0\\.1:${port} `));
      expect(nginxConf).toMatch(new RegExp(`^\\s+${id} fengqiao_hub_${port};$`, 'm'));
      expect(nginxConf).toMatch(new RegExp(`upstream fengqiao_hub_${port} \\{\\s+server 127\\.0\\.0\\.1:${port} `));
    }
  });

  it('let uploads the hub takes through nginx, and hold polls longer than Socket.IO pings', () => {
    const mib = (v: string) => Number(/^(\d+)m$/.exec(v)![1]) * 1024 * 1024;
    const sizes = [...nginxConf.matchAll(/client_max_body_size (\S+);/g)].map((m) => mib(m[1]!));
    expect(sizes[0]).toBeGreaterThanOrEqual(MAX_IMAGE_BYTES);
    expect(sizes[1]).toBeGreaterThanOrEqual(MAX_IMPORT_BYTES);
    const realtime = read('hub/src/realtime/realtime-server.ts');
    const ms = (key: string) => Number(new RegExp(`${key}: ([\\d_]+)`).exec(realtime)![1]!.replace(/_/g, ''));
    const readTimeoutS = Number(/proxy_read_timeout (\d+)s;/.exec(nginxConf)![1]);
    expect(readTimeoutS * 1000).toBeGreaterThan(ms('pingInterval') + ms('pingTimeout'));
    expect(nginxConf).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(hubEnv.TRUST_PROXY).toBe('loopback');
  });
});
