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
import { orderAlerts } from '../orders/order-alerts.svelte.ts';
import { clock } from '../time/clock.svelte.ts';
import { ConversationStore } from '../conversations/conversation.svelte.ts';
import { newClientId } from '../realtime/client-id.ts';
import { connection, type CommandAck, type CommandResult } from '../realtime/index.ts';
import { outbox, type OutboxSettlement } from '../realtime/outbox.svelte.ts';

const HISTORY_PAGE = 50;
/** While connected, how often the threads are listed to catch one whose last message was never announced. */
const STALE_CHECK_MS = 60_000;

/** How often the desk looks for a letter that has just passed its response target. */
const OVERDUE_CHECK_MS = 5_000;

/** No first answer yet, and not closed. */
function isWaiting(th: HotlineThreadView): boolean {
  return th.firstAnsweredAt === null && th.status !== 'resolved';
}

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
 * the desk's inbox for staff. Only threads opened on this page hold messages, in a conversation
 * store (the same as group chat's: live messages presented by seq, `hotline:sync` from the last
 * seq held, one sync at a time, read cursors owed until the hub has them). On every (re)connect
 * it lists the threads, then syncs every held thread the listing shows to be behind; while
 * connected the threads are listed again now and then, so a message never announced (its node
 * died) is noticed. Messages and notes go out through the outbox with client ids, so nothing
 * typed offline is lost or doubled. A new thread reaching a desk rings.
 */
class Hotline {
  #threads = new SvelteMap<string, HotlineThreadView>();
  #store = new ConversationStore(
    {
      sync: (cursors, changes, limit) => connection.emit('hotline:sync', { cursors, changes, limit }),
      history: (threadId, beforeSeq, limit) =>
        connection.emit(
          'hotline:history',
          beforeSeq === undefined ? { threadId, limit } : { threadId, beforeSeq, limit },
        ),
      read: (threadId, seq) => connection.emit('hotline:read', { threadId, seq }),
    },
    { listedLastSeq: (threadId) => this.#threads.get(threadId)?.lastSeq },
  );
  #notes = new SvelteMap<string, HotlineNoteView[]>();
  #failed = new SvelteMap<string, PendingHotlineMessage & { threadId: string }>();
  #fresh = new SvelteSet<string>();
  #canned = $state<HotlineCannedView[]>([]);
  #listed = $state(false);
  #deskStations = $state<string[]>([]);
  #listFailed = $state(false);
  #me = $state<{ id: string; role: Role } | null>(null);
  #staleTimer: ReturnType<typeof setInterval> | undefined;
  #overdueTimer: ReturnType<typeof setInterval> | undefined;
  /** Threads already raised as overdue on this page (a banner once per thread). */
  #alerted = new Set<string>();
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
    if (this.staff) return this.waiting.length;
    let n = 0;
    for (const th of this.#threads.values()) if (th.lastSeq > th.readSeq) n += 1;
    return n;
  }

  /** Staff: threads still waiting for a first answer, the nearest due first. */
  get waiting(): HotlineThreadView[] {
    if (!this.staff) return [];
    return [...this.#threads.values()].filter(isWaiting).sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Staff: the waiting threads past their response target; live (reads the ticking clock). */
  get overdue(): HotlineThreadView[] {
    const now = clock.now;
    return this.waiting.filter((th) => th.staff?.overdue || th.dueAt <= now);
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
    return this.#store.messages(id);
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
      this.#store
        .messages(threadId)
        .filter((m) => m.sender.id === this.#me?.id)
        .map((m) => m.clientId),
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
      connection.on('hotline:message-created', (m) => this.#store.absorb([m], { live: true })),
      connection.on('hotline:thread-changed', ({ thread, change }) => this.#changed(thread, change)),
      connection.on('hotline:note-added', (n) => this.#noteAdded(n)),
      connection.on('hotline:overdue', ({ thread }) => {
        this.#threads.set(thread.id, thread);
        this.#raiseOverdue();
      }),
      connection.on('hotline:canned-changed', () => void this.loadCanned()),
      connection.onConnected(() => void this.#catchUp()),
      outbox.onSettled((s) => this.#settled(s)),
    ];
    this.#staleTimer = setInterval(() => {
      if (connection.state === 'connected') void this.#catchUp();
    }, STALE_CHECK_MS);
    // The hub tells only the head when a letter goes overdue; every desk sees it on its own clock.
    if (this.staff) this.#overdueTimer = setInterval(() => this.#raiseOverdue(), OVERDUE_CHECK_MS);
  }

  /** Stops listening and empties memory. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    clearInterval(this.#staleTimer);
    clearInterval(this.#overdueTimer);
    this.#alerted.clear();
    this.#store.clear();
    this.#threads.clear();
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
    orderAlerts.settleLetter(threadId);
    const res = await connection.emit('hotline:thread', { threadId });
    if (!res.ok) return res;
    this.#threads.set(threadId, res.thread);
    if (!this.#store.holds(threadId)) {
      const history = await connection.emit('hotline:history', { threadId, limit: HISTORY_PAGE });
      if (history.ok) this.#store.begin(threadId, history.messages);
    } else await this.#store.sync([threadId]);
    if (this.staff) {
      const notes = await connection.emit('hotline:notes', { threadId });
      if (notes.ok) this.#notes.set(threadId, notes.notes);
    }
    return res;
  }

  /** Older messages of a thread (scrolling up). */
  loadOlder(threadId: string): Promise<void> {
    return this.#store.loadOlder(threadId);
  }

  /** A resident writes to the station head; resolves with the hub's answer (the new thread). */
  async create(p: Omit<HotlineCreatePayload, 'clientId'>): Promise<CommandAck<'hotline:create'>> {
    const res = await outbox.send({ event: 'hotline:create', payload: { ...p, clientId: newClientId() } });
    if (res.ok) {
      this.#threads.set(res.thread.id, res.thread);
      this.#store.begin(res.thread.id, [res.message]);
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
    this.#store.markRead(threadId, seq);
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
      this.#store.absorb([res.message as MessageView], { live: true });
    }
    return res;
  }

  async #catchUp(): Promise<void> {
    await this.#store.sendOwedReads();
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
    // Letters already late when the page opened are on the badge; banners are for what goes late now.
    const first = !this.#listed;
    this.#listed = true;
    this.#raiseOverdue(first);
    this.#listFailed = false;
    const held = [...this.#threads.keys()].filter((id) => this.#store.holds(id));
    const behind = held.filter((id) => (this.#threads.get(id)?.lastSeq ?? 0) > this.#store.lastSeq(id));
    if (behind.length > 0) await this.#store.sync(behind);
    if (this.staff && this.#canned.length === 0) await this.loadCanned();
  }

  #changed(thread: HotlineThreadView, change: HotlineChange): void {
    const known = this.#threads.get(thread.id);
    // Keep the read cursor this device already moved ahead of the hub's answer.
    this.#threads.set(
      thread.id,
      known && known.readSeq > thread.readSeq ? { ...thread, readSeq: known.readSeq } : thread,
    );
    // Messages are announced before the thread's change: a held log still behind it missed one.
    const id = thread.id;
    if (this.#store.holds(id) && thread.lastSeq > this.#store.lastSeq(id) && !this.#store.waiting(id))
      void this.#store.sync([id]);
    if (!this.staff) return;
    if (change === 'created' || !known) {
      this.#fresh.add(thread.id);
      orderAlerts.push({ kind: 'letter', threadId: thread.id, title: thread.subject, category: thread.category });
    } else if (
      change === 'message' &&
      thread.lastSeq > known.lastSeq &&
      this.#store.messages(id).at(-1)?.sender.id !== this.#me?.id
    )
      beep('gentle');
  }

  /** Raises a banner (with its sound) for each waiting letter newly past its target; `quiet` only marks them. */
  #raiseOverdue(quiet = false): void {
    if (!this.#listed) return;
    const now = Date.now();
    for (const th of this.#threads.values()) {
      if (!isWaiting(th) || (!th.staff?.overdue && th.dueAt > now) || this.#alerted.has(th.id)) continue;
      this.#alerted.add(th.id);
      if (!quiet)
        orderAlerts.push({ kind: 'letter-overdue', threadId: th.id, title: th.subject, category: th.category });
    }
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
      this.#store.absorb([s.result.message], { live: true });
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
}

/** The signed-in person's hotline. */
export const hotline = new Hotline();
