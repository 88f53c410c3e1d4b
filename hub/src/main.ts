import { loadConfig } from './config.ts';
import { startHub } from './hub.ts';
import { createLogger } from './logger.ts';
import { listDemoAccounts } from './org/demo.routes.ts';
import { DEMO_PASSWORD } from './org/demo-seed.ts';

/** Start-up only: config → hub → banner; graceful stop on SIGTERM/SIGINT. */
const config = loadConfig();
const log = createLogger(config.logLevel, config.logFormat);
const started = Date.now();
const hub = await startHub(config, log).catch((err: unknown) => {
  // One line that says why (a read-only data folder, an unreachable database), not a stack trace.
  log.fatal(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping');
    // Draining commands takes up to SHUTDOWN_DRAIN_MS; closing sockets and the store a little more.
    const force = setTimeout(() => process.exit(1), config.shutdownDrainMs + 10_000);
    force.unref();
    hub.close().then(
      () => process.exit(0),
      (err: unknown) => (log.error({ err }, 'stop failed'), process.exit(1)),
    );
  });
}

const lines = [
  '',
  `枫桥通 Fengqiao Hub is up in ${Date.now() - started} ms`,
  `  open:   ${config.publicOrigin ?? hub.url}${hub.webMounted ? '' : '   (web not built: API only)'}`,
  `  store:  ${hub.store.dialect}${hub.store.dialect === 'sqlite' ? ` (${config.dataDir})` : ''}   fan-out: ${config.redisUrl ? 'redis' : 'memory'}   node: ${config.nodeId}`,
];
if (hub.setupSecret) {
  lines.push(
    '  no administrator yet: open this one-time link to create the first one (or run `pnpm hub:admin create`):',
    `    ${config.publicOrigin ?? hub.url}/setup#${hub.setupSecret}`,
  );
}
if (hub.demoExposed) {
  lines.push(
    '  !!! WARNING: this store holds the DEMO data (published passwords) and PUBLIC_ORIGIN is not localhost.',
    '  !!! Production needs an empty store and SEED_DEMO=never (README, "Production").',
  );
}
if (config.seedDemo === 'demo') {
  lines.push(`  demo log-ins (password ${DEMO_PASSWORD}):`);
  for (const a of await listDemoAccounts(hub.store.db))
    lines.push(`    ${a.login.padEnd(12)} ${a.role.padEnd(13)} ${a.name}  ${a.unitName}`);
}
process.stdout.write(`${lines.join('\n')}\n\n`);
