import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { MessageEdit, MessageView, SyncAnswer } from '@fengqiao/hub/protocol';
import { SeqOrder } from '../realtime/seq-order.ts';
import { applyEdits, extend, firstSeq, indexOfSeq, lastSeq, prepend, reachesStart, replace } from './message-log.ts';

/** Messages asked for per sync page. */
const SYNC_LIMIT = 500;
/** The hub takes at most this many cursors in one sync. */
const MAX_CURSORS = 500;
const HISTORY_PAGE = 50;
/** How far back a jump (to the first unread, to a search hit) may load before giving up. */
const MAX_JUMP_PAGES = 20;
/** How long a live seq past a gap waits for the missing ones (another node's) before the conversation syncs. */
const HOLD_MS = 1000;
/** Read cursors moved within this long go to the hub as one. */
const READ_DELAY_MS = 400;

/** A command's answer as the connection gives it: the hub's, or a failure (refused, offline, timed out). */
type Answer<T extends object> = ({ ok: true } & T) | { ok: false; error: { code: string } };

/** The commands of one kind of conversation: `group:*` or `hotline:*`. */
export interface ConversationCommands {
  /** What came after the seq cursors, and edits after the change cursors (`group:sync`, `hotline:sync`). */
  sync(cursors: Record<string, number>, changes: Record<string, number>, limit: number): Promise<Answer<SyncAnswer>>;
  /** Up to `limit` messages before `beforeSeq`, or the newest ones (`group:history`, `hotline:history`). */
  history(id: string, beforeSeq: number | undefined, limit: number): Promise<Answer<{ messages: MessageView[] }>>;
  /** The person has read up to `seq` (`group:read`, `hotline:read`). */
  read(id: string, seq: number): Promise<Answer<object>>;
}

/** What the view around the store (group chat, the hotline) tells it and hears from it. */
export interface ConversationHooks {
  /** Whether messages of a conversation are kept (a listed group); by default, those whose log was begun. */
  keeps?(id: string): boolean;
  /** The conversation's last seq as the hub last listed it: a log further behind than a sync page starts over. */
  listedLastSeq?(id: string): number | undefined;
  /** Messages of a conversation came in (live, synced, or a send's answer); `held` is the last seq now held. */
  absorbed?(id: string, messages: readonly MessageView[], held: number): void;
  /** A held message became its placeholder (recalled, removed). */
  edited?(m: MessageView): void;
  /** Logs or cursors changed: worth saving. */
  changed?(): void;
}

/**
 * The conversations of one kind this device holds, by seq: each a gap-free log whose last seq is
 * its sync cursor, plus the change cursor that fetches edits (recalls, removals) of held messages.
 * Live messages are presented by seq: appended when they follow the last held seq, dropped when
 * held already, and one past a gap held back briefly for the missing ones (another hub node may
 * announce them later), then the conversation syncs. One sync runs at a time: conversations asked
 * for while it runs join it, and those asked for in the same moment share one request. Read
 * cursors are coalesced and kept owed until the hub has them. Group chat and the hotline each
 * wrap one of these with what is theirs (groups and unread counts; threads, notes and the desk).
 */
export class ConversationStore {
  readonly #commands: ConversationCommands;
  readonly #hooks: ConversationHooks;
  #logs = new SvelteMap<string, MessageView[]>();
  /** Per conversation, the change cursor the last sync gave. */
  #changes = new Map<string, number>();
  #order = new SeqOrder<MessageView>({ holdMs: HOLD_MS });
  #orderTimer: ReturnType<typeof setTimeout> | undefined;
  #loadingOlder = new SvelteSet<string>();
  #syncFailed = $state(false);
  /** Conversations waiting for the running sync (or the next one). */
  #wanted = new Set<string>();
  /** The running sync: the re-entrancy guard, and what a caller asking meanwhile awaits. */
  #running: Promise<void> | null = null;
  #readOwed = new Map<string, number>();
  #readTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Moves on `clear()`: an answer that comes back after it belongs to the previous person and is dropped. */
  #epoch = 0;

  constructor(commands: ConversationCommands, hooks: ConversationHooks = {}) {
    this.#commands = commands;
    this.#hooks = hooks;
  }

  /** True when the last sync got no answer (the next connection catches up again). */
  get syncFailed(): boolean {
    return this.#syncFailed;
  }

  /** The messages held for a conversation, oldest first, gap-free. */
  messages(id: string): readonly MessageView[] {
    return this.#logs.get(id) ?? [];
  }

  /** True when a log is held for the conversation. */
  holds(id: string): boolean {
    return this.#logs.has(id);
  }

  /** The last seq held: the conversation's sync cursor (0 when nothing is held). */
  lastSeq(id: string): number {
    return lastSeq(this.messages(id));
  }

  /** True while a live seq past a gap is held back, waiting for the missing ones. */
  waiting(id: string): boolean {
    return this.#order.holds(id);
  }

  /** True when the held log reaches the conversation's first message (or nothing is held). */
  reachesStart(id: string): boolean {
    return reachesStart(this.messages(id));
  }

  /** True while older messages of the conversation are being fetched. */
  loadingOlder(id: string): boolean {
    return this.#loadingOlder.has(id);
  }

  /** Takes in logs and change cursors kept on the device (only of conversations the hooks keep). */
  restore(logs: Record<string, MessageView[]>, changes: Record<string, number>): void {
    for (const [id, log] of Object.entries(logs)) if (this.#keeps(id)) this.#logs.set(id, log);
    for (const [id, cursor] of Object.entries(changes)) if (this.#logs.has(id)) this.#changes.set(id, cursor);
  }

  /** The logs and change cursors, to keep on the device. */
  snapshot(): { logs: Record<string, MessageView[]>; changes: Record<string, number> } {
    return { logs: Object.fromEntries(this.#logs), changes: Object.fromEntries(this.#changes) };
  }

  /** Begins holding a conversation from its newest messages (a history page, a new thread's first message). */
  begin(id: string, newest: readonly MessageView[]): void {
    if (this.#logs.has(id)) this.absorb(newest);
    else this.#logs.set(id, prepend([], newest));
  }

  /** Forgets a conversation's log and cursors (the person left it, or the hub's data was reset). */
  forget(id: string): void {
    this.#logs.delete(id);
    this.#changes.delete(id);
    this.#order.clear(id);
  }

  /** Forgets everything (sign-out, another person); answers still on their way are dropped. */
  clear(): void {
    this.#epoch += 1;
    clearTimeout(this.#orderTimer);
    for (const timer of this.#readTimers.values()) clearTimeout(timer);
    this.#readTimers.clear();
    this.#readOwed.clear();
    this.#order.clear();
    this.#logs.clear();
    this.#changes.clear();
    this.#wanted.clear();
    this.#running = null;
    this.#loadingOlder.clear();
    this.#syncFailed = false;
  }

  /**
   * Folds messages into their logs: a sync page or history as it comes, live ones (`live`: an
   * announcement, a send's answer) through the hold-back. A gap that stays open, or one in a
   * sync page, syncs the conversation. Messages of conversations not kept are dropped.
   */
  absorb(messages: readonly MessageView[], opts: { live?: boolean } = {}): void {
    const live = opts.live ?? false;
    const byConversation = new Map<string, MessageView[]>();
    for (const m of messages) byConversation.set(m.groupId, [...(byConversation.get(m.groupId) ?? []), m]);
    for (const [id, list] of byConversation) {
      if (!this.#keeps(id)) continue;
      let log = this.#logs.get(id) ?? [];
      let changed = false;
      let gap = false;
      if (!live) ({ log, changed, gap } = extend(log, list));
      if (live || this.#order.holds(id)) {
        // A sync page may have brought what held seqs waited for: they are released with it.
        const held = this.#order.offer(id, lastSeq(log), live ? list : [], Date.now());
        const r = extend(log, held.ready);
        if (r.changed) ({ log, changed } = { log: r.log, changed: true });
        gap ||= held.expired;
        this.#armOrder();
      }
      if (changed) this.#logs.set(id, log);
      if (gap) void this.sync([id]);
      this.#hooks.absorbed?.(id, list, lastSeq(log));
    }
    if (messages.length > 0) this.#hooks.changed?.();
  }

  /** A live recall or removal: the placeholder replaces the held message. */
  replace(m: MessageView): void {
    // The next edit in order moves the change cursor; one after a missed edit waits for the sync.
    if (this.#changes.get(m.groupId) === m.changeSeq - 1) this.#changes.set(m.groupId, m.changeSeq);
    const log = this.#logs.get(m.groupId);
    if (!log) return;
    const next = replace(log, m);
    if (next === log) return;
    this.#logs.set(m.groupId, next);
    this.#hooks.changed?.();
  }

  /**
   * Catches the conversations up from their cursors, page by page. While a sync runs, the ones
   * asked for join it and the same promise is returned; those asked for in the same moment share
   * one request. A conversation more than a sync page behind its listed last seq starts over from
   * its newest messages (older ones load when scrolled to).
   */
  sync(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#wanted.add(id);
    this.#running ??= this.#run();
    return this.#running;
  }

  async #run(): Promise<void> {
    const epoch = this.#epoch;
    try {
      // Let callers of this same moment add theirs first, so they share the request.
      await Promise.resolve();
      if (this.#epoch !== epoch) return;
      while (this.#wanted.size > 0) {
        const batch = [...this.#wanted].filter((id) => this.#keeps(id)).slice(0, MAX_CURSORS);
        for (const id of batch) this.#wanted.delete(id);
        if (batch.length === 0) {
          this.#wanted.clear();
          break;
        }
        for (const id of batch) {
          const listed = this.#hooks.listedLastSeq?.(id);
          if (listed === undefined || listed - this.lastSeq(id) <= SYNC_LIMIT) continue;
          const res = await this.#commands.history(id, undefined, HISTORY_PAGE);
          if (this.#epoch !== epoch) return;
          if (res.ok && res.messages.length > 0) this.#logs.set(id, prepend([], res.messages));
        }
        for (;;) {
          const cursors = Object.fromEntries(batch.map((id) => [id, this.lastSeq(id)]));
          const changes = Object.fromEntries(
            batch.flatMap((id) => {
              const cursor = this.#changes.get(id);
              return cursor === undefined ? [] : [[id, cursor]];
            }),
          );
          const res = await this.#commands.sync(cursors, changes, SYNC_LIMIT);
          if (this.#epoch !== epoch) return;
          if (!res.ok) {
            // The next connection catches everything up again.
            this.#syncFailed = true;
            return;
          }
          // Retention deleted the history under these cursors: what was held there is gone for
          // good, so the log starts over from the floor instead of waiting for a gap to close.
          const floors = res.floors ?? {};
          for (const id of Object.keys(floors))
            if (this.#keeps(id))
              this.#logs.set(
                id,
                prepend(
                  [],
                  res.messages.filter((m) => m.groupId === id),
                ),
              );
          this.absorb(res.messages.filter((m) => !(m.groupId in floors)));
          if (Object.keys(floors).length > 0) this.#hooks.changed?.();
          this.#edited(res.edits);
          for (const [id, cursor] of Object.entries(res.changes)) if (this.#keeps(id)) this.#changes.set(id, cursor);
          if (!res.more) break;
        }
      }
      this.#syncFailed = false;
    } finally {
      // Cleared here, with no await after the last look at #wanted, so no caller's ids are left
      // behind; after clear() a newer run may be the one running.
      if (this.#epoch === epoch) this.#running = null;
    }
  }

  /** Fetches the page of messages before the first one held (scrolling up). */
  async loadOlder(id: string, limit = HISTORY_PAGE): Promise<void> {
    const log = this.messages(id);
    if (this.#loadingOlder.has(id) || log.length === 0 || reachesStart(log)) return;
    const epoch = this.#epoch;
    this.#loadingOlder.add(id);
    try {
      const res = await this.#commands.history(id, firstSeq(log), limit);
      if (!res.ok || this.#epoch !== epoch) return;
      this.#logs.set(id, prepend(this.messages(id), res.messages));
    } finally {
      this.#loadingOlder.delete(id);
    }
  }

  /** Loads older pages until `seq` is held (a jump to the first unread or a search hit). False if it could not. */
  async reach(id: string, seq: number): Promise<boolean> {
    for (let i = 0; i < MAX_JUMP_PAGES; i++) {
      const log = this.messages(id);
      if (indexOfSeq(log, seq) >= 0) return true;
      if (log.length === 0 || reachesStart(log) || seq > lastSeq(log)) return false;
      const before = firstSeq(log);
      await this.loadOlder(id, 200);
      if (firstSeq(this.messages(id)) === before) return false;
    }
    return indexOfSeq(this.messages(id), seq) >= 0;
  }

  /** The held message with this seq, if any. */
  find(id: string, seq: number): MessageView | undefined {
    const log = this.messages(id);
    return log[indexOfSeq(log, seq)];
  }

  /** Owes the hub a read cursor: sent a moment later (coalesced), and again after a reconnect until answered. */
  markRead(id: string, seq: number): void {
    this.#readOwed.set(id, seq);
    if (this.#readTimers.has(id)) return;
    this.#readTimers.set(
      id,
      setTimeout(() => {
        this.#readTimers.delete(id);
        void this.#sendRead(id);
      }, READ_DELAY_MS),
    );
  }

  /** The read cursor still owed to the hub for a conversation, if any. */
  owedRead(id: string): number | undefined {
    return this.#readOwed.get(id);
  }

  /** Sends every read cursor still owed (on a new connection). */
  async sendOwedReads(): Promise<void> {
    for (const id of [...this.#readOwed.keys()]) await this.#sendRead(id);
  }

  async #sendRead(id: string): Promise<void> {
    const seq = this.#readOwed.get(id);
    if (seq === undefined) return;
    const res = await this.#commands.read(id, seq);
    // Offline: still owed, sent again on the next connection.
    if (res.ok || (res.error.code !== 'not_connected' && res.error.code !== 'timeout')) {
      if (this.#readOwed.get(id) === seq) this.#readOwed.delete(id);
    }
  }

  #keeps(id: string): boolean {
    return this.#hooks.keeps ? this.#hooks.keeps(id) : this.#logs.has(id);
  }

  /** One timer for the earliest held gap; a gap still open when it fires syncs its conversation. */
  #armOrder(): void {
    clearTimeout(this.#orderTimer);
    const deadline = this.#order.nextDeadline();
    if (deadline === null) return;
    this.#orderTimer = setTimeout(
      () => {
        const open = this.#order.expired(Date.now());
        if (open.length > 0) void this.sync(open);
        this.#armOrder();
      },
      Math.max(0, deadline - Date.now()),
    );
  }

  /** Recalls and removals made while away: the held copies become placeholders. */
  #edited(edits: readonly MessageEdit[]): void {
    const byConversation = new Map<string, MessageEdit[]>();
    for (const e of edits) byConversation.set(e.groupId, [...(byConversation.get(e.groupId) ?? []), e]);
    for (const [id, list] of byConversation) {
      const log = this.#logs.get(id);
      if (!log) continue;
      const r = applyEdits(log, list);
      if (r.log === log) continue;
      this.#logs.set(id, r.log);
      for (const m of r.placeholders) this.#hooks.edited?.(m);
    }
    if (edits.length > 0) this.#hooks.changed?.();
  }
}
