import type { Kysely } from 'kysely';
import { createLadder } from './ladder.ts';
import { escalationRoutes } from './escalation.routes.ts';
import { createPolicyService } from './policy.service.ts';
import { createWebhookSender } from './webhook-sender.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';
import { createEncryptPool } from '../push/encrypt-pool.ts';
import { createOutbox, type OutboxObserver } from '../push/outbox.ts';
import type { PushConfig } from '../push-config.ts';
import { createPushHooks } from '../push/push-hooks.ts';
import { createPushQueue } from '../push/push-queue.ts';
import { pushRoutes } from '../push/push.routes.ts';
import { pushSocketModule } from '../push/push.socket.ts';
import { createSubscriptionService } from '../push/subscription.service.ts';
import { loadVapidKeys } from '../push/vapid-keys.ts';
import { createWebPushSender } from '../push/web-push-sender.ts';

/** Claims held this long; a send takes at most its 10 s timeout, so a live node always settles first. */
const LEASE_MS = 60_000;
const OUTBOX_BATCH = 500;

/** Runs `fn` now, or once more right after the run under way; never two at once on a node. */
function coalesced<T>(fn: () => Promise<T>, log: Logger, what: string) {
  let running: Promise<unknown> | undefined;
  let again = false;
  const run = (): Promise<unknown> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await fn();
      } while (again);
    })()
      .catch((err: unknown) => log.warn({ err }, `${what} failed`))
      .finally(() => (running = undefined));
    return running;
  };
  return run;
}

/**
 * Web Push and the escalation ladder, composed: the store's VAPID keys, the subscription service,
 * the outbox with its two senders (Web Push, signed webhooks), the ladder, the notifier hooks,
 * the REST routes and the socket module — and the timers that drive outbox and ladder on every node.
 */
export async function createReach(deps: {
  db: Kysely<Database>;
  config: PushConfig;
  timeZone: string;
  log: Logger;
  /** The metrics' view of the outbox and of the ladder's passes. */
  observe?: { outbox: OutboxObserver; ladder: Pick<OutboxObserver, 'track'> };
}) {
  const { db, config } = deps;
  const log = deps.log.child({ module: 'push' });
  const vapid = await loadVapidKeys(db, config.vapid);
  const subscriptions = createSubscriptionService({ db, endpoints: config.endpoints });
  const queue = createPushQueue({ db, timeZone: deps.timeZone });
  const encryption = createEncryptPool();
  const outbox = createOutbox({
    db,
    senders: {
      webpush: createWebPushSender({
        db,
        vapid,
        endpoints: config.endpoints,
        concurrency: config.concurrency,
        encryption,
        log,
      }),
      webhook: createWebhookSender({ db }),
    },
    options: {
      leaseMs: LEASE_MS,
      retryBaseMs: config.retryBaseMs,
      maxAttempts: config.maxAttempts,
      batchSize: OUTBOX_BATCH,
    },
    log,
    observe: deps.observe?.outbox,
  });
  const ladder = createLadder({ db, push: queue, log });
  const ladderPass = async () => {
    const r = await (deps.observe ? deps.observe.ladder.track(ladder.run()) : ladder.run());
    if (r.pushed + r.texted + r.called) outbox.kick();
    return r;
  };
  const kickLadder = coalesced(ladderPass, log, 'escalation ladder');
  const hooks = createPushHooks({
    db,
    push: queue,
    queued: outbox.kick, // After the order's own answer and fan-out: those go first.
    orderAssigned: () => void setImmediate(() => void kickLadder()),
    log,
  });
  const timers: NodeJS.Timeout[] = [];

  return {
    hooks,
    routes: pushRoutes({ subscriptions, publicKey: vapid.publicKey }),
    escalationRoutes: escalationRoutes(createPolicyService({ db })),
    socketModule: pushSocketModule(subscriptions),
    /** One ladder pass now (tests; production runs it on a timer and when an order is sent). */
    runLadder: ladderPass,
    /** One outbox pass now; returns how many were sent (tests; production runs on a timer and on a kick). */
    runOutbox: outbox.run,
    start(): void {
      timers.push(setInterval(() => void kickLadder(), config.ladderEveryMs));
      timers.push(setInterval(outbox.kick, config.everyMs));
      for (const t of timers) t.unref();
    },
    async stop(): Promise<void> {
      for (const t of timers) clearInterval(t);
      await outbox.idle();
      await encryption.close();
    },
  };
}
