import { describe, expect, it } from 'vitest';
import type { MessageView, SyncAnswer } from '@fengqiao/hub/protocol';
import { ConversationStore, type ConversationCommands } from './conversation.svelte.ts';
import { fixtureMessage } from './message.fixture.ts';

const message = (groupId: string, seq: number): MessageView => fixtureMessage(seq, { groupId });

type SyncReply = { ok: true } & SyncAnswer;

/**
 * Commands whose sync answers are given by hand, so a test decides when each request is answered
 * and sees every request the store made.
 */
class HandAnswered implements ConversationCommands {
  readonly requests: { cursors: Record<string, number>; changes: Record<string, number> }[] = [];
  #replies: ((answer: SyncReply) => void)[] = [];
  inFlight = 0;
  maxInFlight = 0;

  sync(cursors: Record<string, number>, changes: Record<string, number>): Promise<SyncReply> {
    this.requests.push({ cursors, changes });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) =>
      this.#replies.push((answer) => {
        this.inFlight -= 1;
        resolve(answer);
      }),
    );
  }

  /** Answers the oldest request still open. */
  answer(messages: MessageView[], changes: Record<string, number> = {}): void {
    const reply = this.#replies.shift();
    if (!reply) throw new Error('no request is waiting for an answer');
    reply({ ok: true, messages, edits: [], changes, more: false });
  }

  /** Resolves once the store has sent its `n`th request. */
  async requestMade(n: number): Promise<void> {
    for (let i = 0; i < 100 && this.requests.length < n; i++) await Promise.resolve();
    expect(this.requests).toHaveLength(n);
  }

  history(): Promise<{ ok: true; messages: MessageView[] }> {
    return Promise.resolve({ ok: true, messages: [] });
  }

  read(): Promise<{ ok: true }> {
    return Promise.resolve({ ok: true });
  }
}

/** A store holding two threads, t1 up to seq 2 and t2 up to seq 1. */
function twoThreads(commands: HandAnswered): ConversationStore {
  const store = new ConversationStore(commands);
  store.begin('t1', [message('t1', 1), message('t1', 2)]);
  store.begin('t2', [message('t2', 1)]);
  return store;
}

describe('conversation store: one sync at a time', () => {
  it('two syncs asked at once make one request for both conversations', async () => {
    const commands = new HandAnswered();
    const store = twoThreads(commands);
    const first = store.sync(['t1']);
    const second = store.sync(['t1', 't2']);
    await commands.requestMade(1);
    expect(commands.requests[0]!.cursors).toEqual({ t1: 2, t2: 1 });
    commands.answer([message('t1', 3), message('t2', 2)], { t1: 0, t2: 0 });
    await Promise.all([first, second]);
    expect(commands.requests).toHaveLength(1);
    expect(store.lastSeq('t1')).toBe(3);
    expect(store.lastSeq('t2')).toBe(2);
  });

  it('a sync asked while a request is out waits for its answer, then asks once from the new cursor', async () => {
    const commands = new HandAnswered();
    const store = twoThreads(commands);
    const first = store.sync(['t1']);
    await commands.requestMade(1);
    const second = store.sync(['t1']);
    const third = store.sync(['t1']);
    expect(second).toBe(first);
    expect(third).toBe(first);
    commands.answer([message('t1', 3)]);
    await commands.requestMade(2);
    expect(commands.maxInFlight).toBe(1);
    expect(commands.requests[1]!.cursors).toEqual({ t1: 3 });
    commands.answer([]);
    await first;
    expect(commands.requests).toHaveLength(2);
    expect(store.syncFailed).toBe(false);
  });

  it('sends the change cursor a sync answer gave with the next sync', async () => {
    const commands = new HandAnswered();
    const store = twoThreads(commands);
    const first = store.sync(['t1']);
    await commands.requestMade(1);
    expect(commands.requests[0]!.changes).toEqual({});
    commands.answer([], { t1: 4 });
    await first;
    const next = store.sync(['t1']);
    await commands.requestMade(2);
    expect(commands.requests[1]!.changes).toEqual({ t1: 4 });
    commands.answer([]);
    await next;
  });

  it('an answer that comes back after clear() is dropped, and the next sync does not wait for it', async () => {
    const commands = new HandAnswered();
    const store = twoThreads(commands);
    const stale = store.sync(['t1']);
    await commands.requestMade(1);
    store.clear();
    store.begin('t1', [message('t1', 1)]);
    const fresh = store.sync(['t1']);
    expect(fresh).not.toBe(stale);
    await commands.requestMade(2);
    expect(commands.requests[1]!.cursors).toEqual({ t1: 1 });
    commands.answer([message('t1', 2), message('t1', 3)]);
    await stale;
    expect(store.lastSeq('t1')).toBe(1);
    commands.answer([message('t1', 2)]);
    await fresh;
    expect(store.messages('t1').map((m) => m.seq)).toEqual([1, 2]);
  });
});
