import { PostgresAdapter, type Kysely } from 'kysely';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { NotifyChannel } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';

/** A job to queue: unique per channel, target and dedupe key, so an event is never queued twice. */
export interface NewJob {
  channel: NotifyChannel;
  target: string;
  dedupe: string;
  payload: string;
}

/** A claimed job; `lease` is the claim's mark in `due_at`, which only its holder may settle. */
export interface ClaimedJob extends NewJob {
  id: string;
  attempts: number;
  lease: number;
}

/** What became of one try: sent, or not worth sending (gone, dropped), or to be tried again. */
export type Outcome =
  { kind: 'sent' } | { kind: 'gone' } | { kind: 'dropped'; why: string } | { kind: 'retry'; why: string };

/** Sends one channel's claimed jobs; answers one outcome per job, in order. Never throws for one job's failure. */
export type ChannelSender = (jobs: ClaimedJob[], t: number) => Promise<Outcome[]>;

export interface OutboxOptions {
  /** How long a claim holds; a node that dies mid-send leaves its jobs to another after this. */
  leaseMs: number;
  /** First retry delay; doubles per attempt (with jitter), at most RETRY_CAP_MS. */
  retryBaseMs: number;
  /** Tries before a job is given up. */
  maxAttempts: number;
  batchSize: number;
}

/** What the outbox reports to the metrics (the hub wires it; tests may leave it out). */
export interface OutboxObserver {
  /** A pass began `ms` after the due time of the oldest job it takes. */
  lateBy(ms: number): void;
  /** One try's outcome. */
  tried(channel: NotifyChannel, outcome: Outcome['kind']): void;
  /** Counts a pass once it settles; hands back the same promise. */
  track<T>(pass: Promise<T>): Promise<T>;
}

const RETRY_CAP_MS = 10 * 60_000;
/** A depth count reads at most this many rows, so a scrape stays cheap even with a huge backlog. */
const DEPTH_CAP = 100_000;
/** Rows per INSERT: well under SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 500;

/** Queues jobs in the caller's transaction (or the store): a job exists before it is tried. Returns how many were new. */
export async function enqueue(db: Kysely<Database>, jobs: NewJob[], t: number): Promise<number> {
  let added = 0;
  for (let i = 0; i < jobs.length; i += INSERT_CHUNK) {
    const rows = jobs.slice(i, i + INSERT_CHUNK).map((j) => ({
      id: newId(),
      ...j,
      attempts: 0,
      due_at: t,
      last_error: null,
      created_at: t,
    }));
    const r = await db
      .insertInto('notify_outbox')
      .values(rows)
      .onConflict((oc) => oc.columns(['channel', 'target', 'dedupe']).doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Every channel, so an empty one still reports a depth of 0. */
const CHANNELS = Object.keys({ webpush: 0, webhook: 0 } satisfies Record<NotifyChannel, 0>) as NotifyChannel[];

/** Jobs waiting per channel, and how many of them failed before (capped at DEPTH_CAP rows in all). */
export async function outboxDepth(
  db: Kysely<Database>,
): Promise<{ channel: NotifyChannel; waiting: number; retrying: number }[]> {
  const rows = await db
    .selectFrom((eb) => eb.selectFrom('notify_outbox').select(['channel', 'attempts']).limit(DEPTH_CAP).as('j'))
    .select((eb) => [
      'j.channel',
      eb.fn.countAll().as('waiting'),
      eb.fn.sum(eb.case().when('j.attempts', '>', 0).then(1).else(0).end()).as('retrying'),
    ])
    .groupBy('j.channel')
    .execute();
  return CHANNELS.map((channel) => {
    const r = rows.find((row) => row.channel === channel);
    return { channel, waiting: Number(r?.waiting ?? 0), retrying: Number(r?.retrying ?? 0) };
  });
}

/**
 * The outbox: jobs are claimed in bounded batches with a lease (SKIP LOCKED on PostgreSQL, so two
 * nodes take different rows), sent, and settled only while the claim still holds — so each job
 * is sent once across nodes, and one whose node died is sent by another after the lease. Failures
 * are retried with exponential backoff and full jitter; a push service that is down delays its
 * jobs and nothing else.
 */
export function createOutbox(deps: {
  db: Kysely<Database>;
  senders: Record<NotifyChannel, ChannelSender>;
  options: OutboxOptions;
  log: Logger;
  now?: () => number;
  observe?: OutboxObserver;
}) {
  const { db, senders, options, log, observe } = deps;
  const now = deps.now ?? Date.now;
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  async function claim(t: number): Promise<ClaimedJob[]> {
    const lease = t + options.leaseMs;
    const rows = await db
      .updateTable('notify_outbox')
      .set({ due_at: lease })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('notify_outbox as c')
          .select('c.id')
          .where('c.due_at', '<=', t)
          .orderBy('c.due_at')
          .limit(options.batchSize)
          .$if(postgres, (q) => q.forUpdate().skipLocked()),
      )
      // Again on the row itself: a row another claim moved while this one waited is not taken twice.
      .where('due_at', '<=', t)
      .returning(['id', 'channel', 'target', 'dedupe', 'payload', 'attempts'])
      .execute();
    return rows.map((r) => ({ ...r, lease }));
  }

  const backoff = (attempts: number) =>
    Math.round(Math.min(RETRY_CAP_MS, options.retryBaseMs * 2 ** attempts) * (0.5 + Math.random() / 2));

  async function settle(jobs: ClaimedJob[], outcomes: Outcome[], t: number): Promise<void> {
    const finished = jobs.filter((j, i) => {
      const o = outcomes[i]!;
      return o.kind !== 'retry' || j.attempts + 1 >= options.maxAttempts;
    });
    const byLease = new Map<number, string[]>();
    for (const j of finished) byLease.set(j.lease, [...(byLease.get(j.lease) ?? []), j.id]);
    for (const [lease, ids] of byLease)
      await db.deleteFrom('notify_outbox').where('id', 'in', ids).where('due_at', '=', lease).execute();
    for (const [i, j] of jobs.entries()) {
      const o = outcomes[i]!;
      if (o.kind !== 'retry') continue;
      if (j.attempts + 1 >= options.maxAttempts) {
        log.warn({ job: j.id, channel: j.channel, attempts: j.attempts + 1, why: o.why }, 'notification given up');
        continue;
      }
      await db
        .updateTable('notify_outbox')
        .set({ attempts: j.attempts + 1, due_at: t + backoff(j.attempts), last_error: o.why.slice(0, 200) })
        .where('id', '=', j.id)
        .where('due_at', '=', j.lease)
        .execute();
    }
  }

  /** One claimed batch, every channel's sender in parallel. */
  async function sendBatch(jobs: ClaimedJob[], t: number): Promise<number> {
    const outcomes = new Map<string, Outcome>();
    await Promise.all(
      (Object.keys(senders) as NotifyChannel[]).map(async (channel) => {
        const mine = jobs.filter((j) => j.channel === channel);
        if (mine.length === 0) return;
        const out = await senders[channel](mine, t).catch((err: unknown) =>
          mine.map((): Outcome => ({ kind: 'retry', why: String(err) })),
        );
        mine.forEach((j, i) => outcomes.set(j.id, out[i]!));
      }),
    );
    const ordered = jobs.map((j) => outcomes.get(j.id) ?? { kind: 'dropped' as const, why: 'unknown channel' });
    if (observe) jobs.forEach((j, i) => observe.tried(j.channel, ordered[i]!.kind));
    await settle(jobs, ordered, now());
    return ordered.filter((o) => o.kind === 'sent').length;
  }

  let running: Promise<number> | undefined;
  let again = false;

  /** The due time of the oldest job a claim at `t` takes, or null when none is due. */
  async function oldestDue(t: number): Promise<number | null> {
    const row = await db
      .selectFrom('notify_outbox')
      .select((eb) => eb.fn.min('due_at').as('due'))
      .where('due_at', '<=', t)
      .executeTakeFirst();
    return row?.due == null ? null : Number(row.due);
  }

  /** One pass over every due job, batch by batch; returns how many were sent. */
  async function pass(): Promise<number> {
    let sent = 0;
    if (observe) {
      const t = now();
      const due = await oldestDue(t);
      if (due !== null) observe.lateBy(t - due);
    }
    for (;;) {
      const t = now();
      const jobs = await claim(t);
      if (jobs.length) sent += await sendBatch(jobs, t);
      if (jobs.length < options.batchSize) return sent;
    }
  }

  /** Runs a pass now, or right after the one under way (a kick during a pass is not lost). */
  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    const passes = (async () => {
      let sent = 0;
      do {
        again = false;
        sent += await pass();
      } while (again);
      return sent;
    })();
    running = (observe ? observe.track(passes) : passes).finally(() => (running = undefined));
    return running;
  }

  return {
    run,
    /** New jobs are waiting: send them soon, without the caller waiting on it. */
    kick(): void {
      void run().catch((err) => log.warn({ err }, 'outbox pass failed'));
    },
    /** Resolves once the pass under way (if any) has finished. */
    idle: () =>
      running?.then(
        () => undefined,
        () => undefined,
      ) ?? Promise.resolve(),
    claim,
    settle,
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
