import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type {
  HotlineCannedView,
  HotlineChange,
  HotlineCreatePayload,
  HotlineNoteView,
  HotlineThreadView,
  MessageView,
  Role,
} from '@fengqiao/hub/protocol';
import { beep } from '../alerts/alert-sound.ts';
import { extend, firstSeq, lastSeq, prepend } from '../groups/message-log.ts';
import { newClientId } from '../realtime/client-id.ts';
import { connection, type CommandAck, type CommandResult } from '../realtime/index.ts';
import { outbox, type OutboxSettlement } from '../realtime/outbox.svelte.ts';
import { SeqOrder } from '../realtime/seq-order.ts';

const HISTORY_PAGE = 50;
const SYNC_LIMIT = 500;
const READ_DELAY_MS = 400;
/** How long a live seq past a gap waits for the missing ones (another node's) before the thread syncs. */
const HOLD_MS = 1000;
/** While connected, how often the threads are listed to catch one whose last message was never announced. */
const STALE_CHECK_MS = 60_000;

/** A message of the person's that the hub has not stored yet. */
export interface PendingHotlineMessage {
  clientId: string;
  text: string;
  imageId: string | null;
  status: 'sending' | 'queued' | 'failed';
  code?: string;
}

/**
 * The person's hotline threads (所长热线), fed by the one connection: a resident's own threads, or
 * the desk's inbox for staff. On every (re)connect it lists the threads, then asks `hotline:sync`
 * for what came after the last seq held of every thread whose messages it holds. Live messages
 * are presented by seq: they extend a thread's log when they follow its last seq, are dropped when
 * already held, and one past a gap is held back briefly for the missing ones, then the thread
 * syncs. A thread whose listed last seq is past the one held syncs too: while connected the
 * threads are listed again now and then, so a message never announced (its node died) is noticed.
 * Messages and notes go out through the outbox with client ids, so nothing typed offline is lost
 * or doubled. A new thread reaching a desk rings.
 */
class Hotline {
  #threads = new SvelteMap<string, HotlineThreadView>();
  #logs = new SvelteMap<string, MessageView[]>();
  #notes = new SvelteMap<string, HotlineNoteView[]>();
  #failed = new SvelteMap<string, PendingHotlineMessage & { threadId: string }>();
  #fresh = new SvelteSet<string>();
  #canned = $state<HotlineCannedView[]>([]);
  #listed = $state(false);
  #deskStations = $state<string[]>([]);
  #listFailed = $state(false);
  #me = $state<{ id: string; role: Role } | null>(null);
  #readOwed = new Map<string, number>();
  #readTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #order = new SeqOrder<MessageView>({ holdMs: HOLD_MS });
  #orderTimer: ReturnType<typeof setTimeout> | undefined;
  #staleTimer: ReturnType<typeof setInterval> | undefined;
  #stops: (() => void)[] = [];

  /** True for the desk's side (staff); false for a resident. */
  get staff(): boolean {
    return this.#me !== null && this.#me.role !== 'resident';
  }
  /** The signed-in person's id. */
  get meId(): string | null {
    return this.#me?.id ?? null;
  }
  /** Whether the caller works this station's desk (head or delegate), not merely answers threads assigned to them. */
  worksDesk(stationId: string): boolean {
    return this.#deskStations.includes(stationId);
  }
  /** True once the hub has listed the threads since the page loaded. */
  get listed(): boolean {
    return this.#listed;
  }
  /** True when the last listing got no answer. */
  get listFailed(): boolean {
    return this.#listFailed;
  }

  /** Threads, newest activity first. */
  get threads(): HotlineThreadView[] {
    return [...this.#threads.values()].sort((a, b) => b.lastMessageAt - a.lastMessageAt || (a.id < b.id ? 1 : -1));
  }

  /** The navigation badge: a resident's threads with unread answers; the desk's threads still waiting for a first answer. */
  get badge(): number {
    let n = 0;
    for (const th of this.#threads.values()) {
      if (this.staff ? th.firstAnsweredAt === null && th.status !== 'resolved' : th.lastSeq > th.readSeq) n += 1;
    }
    return n;
  }

  /** The station's canned replies (staff). */
  get canned(): readonly HotlineCannedView[] {
    return this.#canned;
  }

  thread(id: string): HotlineThreadView | undefined {
    return this.#threads.get(id);
  }

  /** The thread's messages held, oldest first, gap-free. */
  messages(id: string): readonly MessageView[] {
    return this.#logs.get(id) ?? [];
  }

  /** Internal notes of a thread (staff only), oldest first. */
  notes(id: string): readonly HotlineNoteView[] {
    return this.#notes.get(id) ?? [];
  }

  /** True while a thread that arrived live has not been opened yet (highlighted in the inbox). */
  isFresh(id: string): boolean {
    return this.#fresh.has(id);
  }

  /** The person's messages to a thread that the hub has not stored yet, or refused. */
  pending(threadId: string): PendingHotlineMessage[] {
    const online = connection.state === 'connected';
    const held = new Set(
      (this.#logs.get(threadId) ?? []).filter((m) => m.sender.id === this.#me?.id).map((m) => m.clientId),
    );
    const out: PendingHotlineMessage[] = [];
    for (const e of outbox.entries) {
      const c = e.command;
      if (c.event !== 'hotline:send' || c.payload.threadId !== threadId || held.has(c.payload.clientId)) continue;
      out.push({
        clientId: c.payload.clientId,
        text: c.payload.text,
        imageId: c.payload.imageId ?? null,
        status: outbox.isSending(c.payload.clientId) || online ? 'sending' : 'queued',
      });
    }
    for (const f of this.#failed.values()) if (f.threadId === threadId) out.push(f);
    return out;
  }

  /** Starts for the signed-in person: listens, and lists and syncs on every connection. */
  start(me: { id: string; role: Role }): void {
    this.stop();
    this.#me = me;
    this.#stops = [
      connection.on('hotline:message-created', (m) => this.#absorb(m.groupId, [m], { live: true })),
      connection.on('hotline:thread-changed', ({ thread, change }) => this.#changed(thread, change)),
      connection.on('hotline:note-added', (n) => this.#noteAdded(n)),
      connection.on('hotline:overdue', ({ thread }) => {
        this.#threads.set(thread.id, thread);
        beep('urgent');
      }),
      connection.on('hotline:canned-changed', () => void this.loadCanned()),
      connection.onConnected(() => void this.#catchUp()),
      outbox.onSettled((s) => this.#settled(s)),
    ];
    this.#staleTimer = setInterval(() => {
      if (connection.state === 'connected') void this.#catchUp();
    }, STALE_CHECK_MS);
  }

  /** Stops listening and empties memory. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    for (const timer of this.#readTimers.values()) clearTimeout(timer);
    clearTimeout(this.#orderTimer);
    clearInterval(this.#staleTimer);
    this.#order.clear();
    this.#readTimers.clear();
    this.#readOwed.clear();
    this.#threads.clear();
    this.#logs.clear();
    this.#notes.clear();
    this.#failed.clear();
    this.#fresh.clear();
    this.#canned = [];
    this.#me = null;
    this.#listed = false;
    this.#listFailed = false;
  }

  /** Opens a thread: its view, its latest messages when none are held, and (staff) its notes. */
  async open(threadId: string): Promise<CommandResult<'hotline:thread'>> {
    this.#fresh.delete(threadId);
    const res = await connection.emit('hotline:thread', { threadId });
    if (!res.ok) return res;
    this.#threads.set(threadId, res.thread);
    if (!this.#logs.has(threadId)) {
      const history = await connection.emit('hotline:history', { threadId, limit: HISTORY_PAGE });
      if (history.ok) this.#absorb(threadId, history.messages, { start: true });
    } else await this.#sync([threadId]);
    if (this.staff) {
      const notes = await connection.emit('hotline:notes', { threadId });
      if (notes.ok) this.#notes.set(threadId, notes.notes);
    }
    return res;
  }

  /** Older messages of a thread (scrolling up). */
  async loadOlder(threadId: string): Promise<void> {
    const log = this.#logs.get(threadId) ?? [];
    if (log.length === 0 || firstSeq(log) <= 1) return;
    const res = await connection.emit('hotline:history', { threadId, beforeSeq: firstSeq(log), limit: HISTORY_PAGE });
    if (res.ok) this.#logs.set(threadId, prepend(this.#logs.get(threadId) ?? [], res.messages));
  }

  /** A resident writes to the station head; resolves with the hub's answer (the new thread). */
  async create(p: Omit<HotlineCreatePayload, 'clientId'>): Promise<CommandAck<'hotline:create'>> {
    const res = await outbox.send({ event: 'hotline:create', payload: { ...p, clientId: newClientId() } });
    if (res.ok) {
      this.#threads.set(res.thread.id, res.thread);
      this.#absorb(res.thread.id, [res.message], { start: true });
    }
    return res;
  }

  /** A message in a thread (queued in the outbox until the hub stores it). */
  send(threadId: string, text: string, imageId?: string): Promise<CommandAck<'hotline:send'>> {
    return outbox.send({
      event: 'hotline:send',
      payload: { threadId, clientId: newClientId(), text, ...(imageId ? { imageId } : {}) },
    });
  }

  /** Clears a message the hub refused, or takes back one not yet sent. */
  discard(clientId: string): void {
    if (!this.#failed.delete(clientId)) outbox.discard(clientId);
  }

  /** An internal note (staff; queued like a message). */
  async note(threadId: string, text: string): Promise<CommandAck<'hotline:note'>> {
    const res = await outbox.send({ event: 'hotline:note', payload: { threadId, clientId: newClientId(), text } });
    if (res.ok) this.#noteAdded(res.note);
    return res;
  }

  /** Messages up to `seq` are on screen: moves the read cursor (coalesced, resent after a reconnect). */
  markRead(threadId: string, seq: number): void {
    const th = this.#threads.get(threadId);
    if (!th || seq <= th.readSeq) return;
    this.#threads.set(threadId, { ...th, readSeq: seq });
    this.#readOwed.set(threadId, seq);
    if (this.#readTimers.has(threadId)) return;
    this.#readTimers.set(
      threadId,
      setTimeout(() => {
        this.#readTimers.delete(threadId);
        void this.#sendRead(threadId);
      }, READ_DELAY_MS),
    );
  }

  /** Desk actions with their own acknowledgement; each keeps the held thread current. */
  async assign(threadId: string, assigneeId: string): Promise<CommandResult<'hotline:assign'>> {
    return this.#took(await connection.emit('hotline:assign', { threadId, assigneeId }));
  }
  async handOff(threadId: string, department: string, reason: string): Promise<CommandResult<'hotline:hand-off'>> {
    return this.#took(
      await connection.emit('hotline:hand-off', { threadId, clientId: newClientId(), department, reason }),
    );
  }
  async resolve(threadId: string, summary: string): Promise<CommandResult<'hotline:resolve'>> {
    return this.#took(await connection.emit('hotline:resolve', { threadId, clientId: newClientId(), summary }));
  }
  async followUp(threadId: string, at: number, note: string): Promise<CommandResult<'hotline:follow-up'>> {
    return this.#took(await connection.emit('hotline:follow-up', { action: 'schedule', threadId, at, note }));
  }
  async followUpDone(threadId: string, note: string): Promise<CommandResult<'hotline:follow-up'>> {
    return this.#took(await connection.emit('hotline:follow-up', { action: 'done', threadId, note }));
  }
  /** The resident's side: rate once resolved, or reopen within seven days. */
  async rate(threadId: string, score: number, comment: string): Promise<CommandResult<'hotline:rate'>> {
    return this.#took(await connection.emit('hotline:rate', { threadId, score, ...(comment ? { comment } : {}) }));
  }
  async reopen(threadId: string, reason: string): Promise<CommandResult<'hotline:reopen'>> {
    return this.#took(await connection.emit('hotline:reopen', { threadId, clientId: newClientId(), reason }));
  }

  /** Who a thread may be assigned to, the resident's community officer first. */
  assignable(threadId: string): Promise<CommandResult<'hotline:staff'>> {
    return connection.emit('hotline:staff', { threadId });
  }

  /** Fetches the station's canned replies. */
  async loadCanned(): Promise<void> {
    if (!this.staff) return;
    const res = await connection.emit('hotline:canned', {});
    if (res.ok) this.#canned = res.replies;
  }
  async saveCanned(title: string, text: string, id?: string): Promise<CommandResult<'hotline:canned-save'>> {
    const res = await connection.emit('hotline:canned-save', { title, text, ...(id ? { id } : {}) });
    if (res.ok) await this.loadCanned();
    return res;
  }
  async deleteCanned(id: string): Promise<CommandResult<'hotline:canned-delete'>> {
    const res = await connection.emit('hotline:canned-delete', { id });
    if (res.ok) this.#canned = this.#canned.filter((c) => c.id !== id);
    return res;
  }

  #took<R extends { ok: boolean }>(res: R): R {
    if (res.ok && 'thread' in res) {
      const th = res.thread as HotlineThreadView;
      this.#threads.set(th.id, th);
    }
    if (res.ok && 'message' in res) {
      const m = res.message as MessageView;
      this.#absorb(m.groupId, [m], { live: true });
    }
    return res;
  }

  async #catchUp(): Promise<void> {
    for (const id of [...this.#readOwed.keys()]) await this.#sendRead(id);
    const me = this.#me;
    const res = this.staff
      ? await connection.emit('hotline:inbox', { filter: 'all', limit: 200 })
      : await connection.emit('hotline:mine', {});
    if (this.#me !== me) return;
    if (!res.ok) {
      this.#listFailed = true;
      return;
    }
    for (const th of res.threads) this.#threads.set(th.id, th);
    if ('deskStationIds' in res) this.#deskStations = res.deskStationIds as string[];
    this.#listed = true;
    this.#listFailed = false;
    const behind = (id: string) => (this.#threads.get(id)?.lastSeq ?? Infinity) > lastSeq(this.messages(id));
    await this.#sync([...this.#logs.keys()].filter(behind));
    if (this.staff && this.#canned.length === 0) await this.loadCanned();
  }

  /** Catches held threads up from their last seq, page by page. */
  async #sync(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    for (;;) {
      const cursors = Object.fromEntries(ids.map((id) => [id, lastSeq(this.messages(id))]));
      const res = await connection.emit('hotline:sync', { cursors, limit: SYNC_LIMIT });
      if (!res.ok) return;
      const byThread = new Map<string, MessageView[]>();
      for (const m of res.messages) byThread.set(m.groupId, [...(byThread.get(m.groupId) ?? []), m]);
      for (const [id, list] of byThread) this.#absorb(id, list);
      if (!res.more) return;
    }
  }

  /**
   * Folds messages into a thread's log; only threads opened on this page hold a log (`start` starts
   * one). Live messages go through the hold-back: presented by seq, a gap that stays open syncs.
   */
  #absorb(threadId: string, messages: readonly MessageView[], how: { start?: boolean; live?: boolean } = {}): void {
    const log = this.#logs.get(threadId);
    if (!log && !how.start) return;
    let next = log ?? [];
    let gap = false;
    if (!how.live) ({ log: next, gap } = extend(next, messages));
    if (how.live || this.#order.holds(threadId)) {
      const held = this.#order.offer(threadId, lastSeq(next), how.live ? messages : [], Date.now());
      next = extend(next, held.ready).log;
      gap ||= held.expired;
      this.#armOrder();
    }
    if (next !== log) this.#logs.set(threadId, next);
    if (gap) void this.#sync([threadId]);
  }

  /** One timer for the earliest held gap; a gap still open when it fires syncs its thread. */
  #armOrder(): void {
    clearTimeout(this.#orderTimer);
    const deadline = this.#order.nextDeadline();
    if (deadline === null) return;
    this.#orderTimer = setTimeout(
      () => {
        const open = this.#order.expired(Date.now());
        if (open.length > 0) void this.#sync(open);
        this.#armOrder();
      },
      Math.max(0, deadline - Date.now()),
    );
  }

  #changed(thread: HotlineThreadView, change: HotlineChange): void {
    const known = this.#threads.get(thread.id);
    // Keep the read cursor this device already moved ahead of the hub's answer.
    this.#threads.set(
      thread.id,
      known && known.readSeq > thread.readSeq ? { ...thread, readSeq: known.readSeq } : thread,
    );
    // Messages are announced before the thread's change: a held log still behind it missed one.
    const log = this.#logs.get(thread.id);
    if (log && thread.lastSeq > lastSeq(log) && !this.#order.holds(thread.id)) void this.#sync([thread.id]);
    if (!this.staff) return;
    if (change === 'created' || !known) {
      this.#fresh.add(thread.id);
      beep('urgent');
    } else if (
      change === 'message' &&
      thread.lastSeq > known.lastSeq &&
      this.#logs.get(thread.id)?.at(-1)?.sender.id !== this.#me?.id
    )
      beep('gentle');
  }

  #noteAdded(n: HotlineNoteView): void {
    const list = this.#notes.get(n.threadId) ?? [];
    if (list.some((x) => x.id === n.id)) return;
    this.#notes.set(n.threadId, [...list, n]);
  }

  #settled(s: OutboxSettlement): void {
    if (s.event !== 'hotline:send') return;
    const p = s.command.payload;
    if (s.result.ok) {
      this.#failed.delete(p.clientId);
      this.#absorb(p.threadId, [s.result.message], { live: true });
    } else
      this.#failed.set(p.clientId, {
        threadId: p.threadId,
        clientId: p.clientId,
        text: p.text,
        imageId: p.imageId ?? null,
        status: 'failed',
        code: s.result.error.code,
      });
  }

  async #sendRead(threadId: string): Promise<void> {
    const seq = this.#readOwed.get(threadId);
    if (seq === undefined) return;
    const res = await connection.emit('hotline:read', { threadId, seq });
    if (res.ok || (res.error.code !== 'not_connected' && res.error.code !== 'timeout')) {
      if (this.#readOwed.get(threadId) === seq) this.#readOwed.delete(threadId);
    }
  }
}

/** The signed-in person's hotline. */
export const hotline = new Hotline();
