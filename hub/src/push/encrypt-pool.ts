import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RequestOptions } from 'web-push';

/** One encrypted, VAPID-signed push request, ready to POST. */
export interface PushRequest {
  endpoint: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface PushSubscriptionKeys {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/**
 * The worker's source, run as a CommonJS eval worker: no file to locate, so the same code runs under
 * tsx, in the tests and from the compiled bundle. It loads `web-push` from the path the hub resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const webPush = require(workerData.webPushPath);
parentPort.on('message', ({ id, subscription, payload, options }) => {
  try {
    const r = webPush.generateRequestDetails(subscription, payload, options);
    parentPort.postMessage({ id, request: { endpoint: r.endpoint, method: r.method, headers: r.headers, body: r.body } });
  } catch (err) {
    parentPort.postMessage({ id, error: err && err.message ? err.message : String(err) });
  }
});
`;

type Reply = { id: number; request?: PushRequest; error?: string };

/**
 * Web Push encryption (RFC 8291: a fresh ECDH key pair, an ECDH and two HKDFs per push, ~3 ms of
 * CPU) on worker threads, so ten thousand pushes for one flash order do not slow the event loop
 * that delivers the order itself over sockets. One worker per spare core (at least one); a worker
 * that dies fails its pending pushes (the outbox retries them) and is replaced on the next push.
 */
export function createEncryptPool(size = Math.max(1, availableParallelism() - 1)) {
  const webPushPath = createRequire(import.meta.url).resolve('web-push');
  const workers: (Worker | undefined)[] = new Array(size);
  const pending = new Map<number, { resolve: (r: PushRequest) => void; reject: (e: Error) => void }>();
  const owner = new Map<number, number>();
  let nextId = 0;
  let closed = false;

  function spawn(slot: number): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { webPushPath } });
    w.unref(); // Idle workers never keep the process alive.
    w.on('message', ({ id, request, error }: Reply) => {
      const p = pending.get(id);
      pending.delete(id);
      owner.delete(id);
      if (!p) return;
      if (request) p.resolve({ ...request, body: new Uint8Array(request.body) });
      else p.reject(new Error(error ?? 'push encryption failed'));
    });
    const fail = (err: Error) => {
      if (workers[slot] === w) workers[slot] = undefined;
      for (const [id, s] of owner) {
        if (s !== slot) continue;
        pending.get(id)?.reject(err);
        pending.delete(id);
        owner.delete(id);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`push encryption worker exited (${code})`)));
    return w;
  }

  return {
    /** Encrypts and signs one push; throws for a subscription whose keys are not valid. */
    encrypt(subscription: PushSubscriptionKeys, payload: string, options: RequestOptions): Promise<PushRequest> {
      if (closed) return Promise.reject(new Error('push encryption pool is closed'));
      const id = nextId++;
      const slot = id % size;
      const worker = (workers[slot] ??= spawn(slot));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        owner.set(id, slot);
        // Only the fields web-push reads: the caller's object may carry more (and functions).
        const { endpoint, keys } = subscription;
        const plain = { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
        worker.postMessage({ id, subscription: plain, payload, options });
      });
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(workers.flatMap((w) => (w ? [w.terminate()] : [])));
    },
  };
}
export type EncryptPool = ReturnType<typeof createEncryptPool>;
