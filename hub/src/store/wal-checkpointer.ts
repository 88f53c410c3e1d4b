import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { Logger } from '../logger.ts';

/** How often the worker copies the WAL's new pages into the database file. */
const CHECKPOINT_EVERY_MS = 500;
/** SQLite's own default: what the hub's connection goes back to when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;

/**
 * The worker's source, run as a CommonJS eval worker: no file to locate, so the same code runs under
 * tsx, in the tests and from the compiled bundle. It opens its own connection to the store's file
 * and, every `everyMs`, runs a PASSIVE checkpoint, which never waits for the hub's readers or
 * writers; it reports each one while the WAL holds frames, and every failure.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
let timer;
const tick = () => {
  try {
    // log: frames in the WAL; checkpointed: how many of them are in the database file now.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.log > 0) parentPort.postMessage({ kind: 'checkpoint', frames: r.log, copied: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ kind: 'error', code: err.code, message: err.message });
  }
  timer = setTimeout(tick, workerData.everyMs);
};
tick();
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

type Report =
  { kind: 'checkpoint'; frames: number; copied: number } | { kind: 'error'; code?: string; message: string };

export interface WalCheckpointer {
  /** Stops the worker and closes its connection; the hub's connection then checkpoints as SQLite does by itself. */
  stop(): Promise<void>;
  /** Resolves at the next checkpoint of a WAL that holds frames: how many, and how many of them are in the file (tests). */
  nextCheckpoint(): Promise<{ frames: number; copied: number }>;
  /** The worker thread (tests end it to see the fallback). */
  readonly thread: Worker;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. Left to itself, the connection that commits
 * the 1000th page copies the WAL into the database file and syncs it inside that commit: 5 to 100
 * ms, every few seconds under chat load, that every socket of the node waits out (the hub's group
 * chat p99 at 200 messages/s was 5–14× plain Socket.IO's). Here the hub's connection
 * never checkpoints (`wal_autocheckpoint = 0`) and a worker thread with a connection of its own
 * does, twice a second. If the worker fails to start or dies, the hub's connection checkpoints by
 * itself again, so the WAL never grows without bound.
 */
export function startWalCheckpointer(deps: {
  sqlite: SQLite.Database;
  file: string;
  log?: Logger | undefined;
  everyMs?: number;
}): WalCheckpointer {
  const { sqlite, log } = deps;
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const waiting: ((r: { frames: number; copied: number }) => void)[] = [];
  let stopping = false;
  sqlite.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driverPath, file: deps.file, everyMs: deps.everyMs ?? CHECKPOINT_EVERY_MS },
  });
  worker.unref();
  // A failure repeats every tick while it lasts (a full disk): said when it starts or changes, and when it ends.
  let failing: string | undefined;
  worker.on('message', (r: Report) => {
    if (r.kind === 'checkpoint') {
      if (failing) log?.info({ code: failing }, 'WAL checkpoints succeed again');
      failing = undefined;
      for (const w of waiting.splice(0)) w(r);
      return;
    }
    const code = r.code ?? r.message;
    if (code !== failing) log?.warn({ code: r.code, err: r.message }, 'WAL checkpoint failed; retrying');
    failing = code;
  });
  const fallBack = (why: string) => {
    if (stopping || !sqlite.open) return;
    sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    log?.error({ why }, 'the WAL checkpoint worker stopped; the store checkpoints on its own connection again');
  };
  worker.on('error', (err) => fallBack(err.message));
  worker.on('exit', (code) => fallBack(`exit ${code}`));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  return {
    async stop() {
      stopping = true;
      // Held while it closes: an unreferenced worker's exit would not keep a finishing process (a
      // CLI, a bench) alive, and what comes after the store's close would never run.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
    nextCheckpoint: () => new Promise((resolve) => waiting.push(resolve)),
    thread: worker,
  };
}
