import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { toHubError } from '../errors.ts';
import { openStore } from '../store/database.ts';
import { createSetupService } from './setup.service.ts';

/**
 * `pnpm hub:admin create --login <login> --name <name> [--password-stdin]`: creates an
 * administrator in the store the hub would use (DATABASE_URL, or SQLite in DATA_DIR), running
 * migrations first. The password is asked twice without echo, or read from standard input.
 */
const USAGE = 'usage: pnpm hub:admin create --login <login> --name <name> [--password-stdin]';

/** Reads one line from a terminal without echoing it. */
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  let typed = '';
  return new Promise((resolve) => {
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stdout.write('\n');
          return resolve(typed);
        }
        if (c === '\u0003') process.exit(130);
        typed = c === '\u007f' || c === '\b' ? typed.slice(0, -1) : typed + c;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { login: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    allowPositionals: true,
  });
  if (positionals[0] !== 'create' || !values.login || !values.name) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let password: string;
  if (values['password-stdin']) password = await readStdin();
  else {
    if (!process.stdin.isTTY) {
      process.stderr.write('no terminal to ask the password on: pass it with --password-stdin\n');
      return 2;
    }
    password = await askHidden('password: ');
    if ((await askHidden('again:    ')) !== password) {
      process.stderr.write('the two passwords differ\n');
      return 1;
    }
  }
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, nodeId: 'hub-admin-cli' });
  try {
    await createSetupService({ db: store.db }).createAdmin({ login: values.login, name: values.name, password });
    process.stdout.write(`administrator ${values.login} created (${store.dialect}); sign in with that log-in\n`);
    return 0;
  } catch (err) {
    const e = toHubError(err);
    const detail = e.issues?.map((i) => i.message).join(', ');
    process.stderr.write(`cannot create: ${e.message}${detail ? ` (${detail})` : ''}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

process.exitCode = await main();
