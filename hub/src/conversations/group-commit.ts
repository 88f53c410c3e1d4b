import { errors } from '../errors.ts';
import type { MessageView } from '../protocol/index.ts';
import type { AppendInput, MessageLog } from './message-log.ts';

/** Messages written in one transaction at most: bounds a batch's statement size and its wait. */
export const GROUP_COMMIT_MAX = 64;

/** What one append answers: the stored message, and whether it was stored before (a retry). */
export type Appended = { message: MessageView; duplicate: boolean };

interface Pending {
  input: AppendInput;
  resolve: (out: Appended) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for one node: while a write is running, the messages that arrive queue up, and
 * the next write takes all of them (up to `maxBatch`) in one transaction with a bounded number
 * of statements (message-batch.ts). No timer: a message that finds no write running is written
 * at once, alone; under load, each commit is followed by a batch of what came meanwhile. Every
 * message is persisted before its promise resolves, so the caller acks and announces only after.
 *
 * A batch that fails (one message's client id stored meanwhile by another node, its conversation
 * gone, the store refusing) is written again one message at a time, so only the bad message
 * fails. A client id already in flight on this node (a resend before the first was answered)
 * waits for the first and answers it, as a duplicate, without a write.
 */
export function createGroupCommit(deps: { log: Pick<MessageLog, 'append' | 'appendBatch'>; maxBatch?: number }) {
  const { log } = deps;
  const maxBatch = deps.maxBatch ?? GROUP_COMMIT_MAX;
  const queue: Pending[] = [];
  /** Appends on this node not yet answered, by sender and client id. */
  const inFlight = new Map<string, Promise<Appended>>();
  let writing = false;

  /** Writes one message alone; its own failure is its own. */
  async function writeAlone(p: Pending): Promise<void> {
    try {
      p.resolve(await log.append(p.input));
    } catch (err) {
      p.reject(err);
    }
  }

  async function writeBatch(batch: Pending[]): Promise<void> {
    let written: MessageView[];
    try {
      written = await log.appendBatch(batch.map((p) => p.input));
    } catch {
      // One bad message must not fail the others: each gets its own transaction and answer.
      for (const p of batch) await writeAlone(p);
      return;
    }
    batch.forEach((p, k) => p.resolve({ message: written[k]!, duplicate: false }));
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        await (batch.length === 1 ? writeAlone(batch[0]!) : writeBatch(batch));
      }
    } finally {
      writing = false;
    }
  }

  function enqueue(input: AppendInput): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (!writing) void drain();
    });
  }

  return {
    /**
     * Stores the message with its conversation's next seq, with whatever else is in flight; answers
     * the stored message (`duplicate`: this sender's client id was stored first, by an earlier send).
     */
    async append(input: AppendInput): Promise<Appended> {
      const key = `${input.senderId}\u0000${input.clientId}`;
      const first = inFlight.get(key);
      if (first) {
        const won = await first.catch(() => undefined);
        if (won) {
          if (won.message.groupId !== input.groupId)
            throw errors.conflict('this client id was used for another conversation');
          return { message: won.message, duplicate: true };
        }
        // The first attempt failed and stored nothing: this one is tried on its own merits.
      }
      const out = enqueue(input);
      inFlight.set(key, out);
      try {
        return await out;
      } finally {
        if (inFlight.get(key) === out) inFlight.delete(key);
      }
    },
  };
}
export type GroupCommit = ReturnType<typeof createGroupCommit>;
