import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { GroupView, MessageEdit, MessageView, Role, SendMessagePayload } from '@fengqiao/hub/protocol';
import { newClientId } from '../realtime/client-id.ts';
import { connection, type CommandAck, type CommandResult } from '../realtime/index.ts';
import { outbox, type OutboxSettlement } from '../realtime/outbox.svelte.ts';
import { SeqOrder } from '../realtime/seq-order.ts';
import type { PendingMessage } from './chat-rows.ts';
import { clearGroupCache, loadGroupCache, saveGroupCache } from './group-cache.ts';
import { groupMatters } from './group-matters.svelte.ts';
import { pendingMessages } from './pending-messages.ts';
import { QuotedMessages } from './quoted-messages.svelte.ts';
import { applyEdits, extend, firstSeq, indexOfSeq, lastSeq, prepend, reachesStart, replace } from './message-log.ts';

const SAVE_DELAY_MS = 500;
const READ_DELAY_MS = 400;
const LIST_DELAY_MS = 300;
const SYNC_LIMIT = 500;
/** The hub takes at most this many cursors in one `group:sync`. */
const MAX_CURSORS = 500;
const HISTORY_PAGE = 50;
/** How far back a jump (to the first unread, to a search hit) may load before giving up. */
const MAX_JUMP_PAGES = 20;
/** How long a live seq past a gap waits for the missing ones (another node's) before the group syncs. */
const HOLD_MS = 1000;
/** While connected, how often the groups are listed to catch one whose last message was never announced. */
const STALE_CHECK_MS = 60_000;

/** Newest activity first: the last held message's time, then the name. */
function byActivity(a: { group: GroupView; at: number }, b: { group: GroupView; at: number }): number {
  return b.at - a.at || a.group.name.localeCompare(b.group.name, 'zh-CN');
}

/**
 * The person's group chats (群聊), fed by the one connection. On every (re)connect it sends the
 * read cursors still owed, asks `group:list` for the groups and their unread counts, then
 * `group:sync` with the last seq it holds per group, page by page (a group never seen, or more
 * than a page behind, starts from its newest messages; older ones are fetched on scrolling up).
 * Live messages are presented by seq: appended when they follow the last held seq, dropped when
 * already held, and one past a gap held back briefly for the missing ones (another node may
 * announce them later), then the group syncs. Sync also brings recalls and removals of held
 * messages after each group's change cursor. While connected the groups are listed again now and
 * then, so a message committed but never announced (its node died) is noticed even when the group
 * stays quiet. Messages go out through the outbox, so one typed
 * offline is sent on reconnect with the same client id and never doubled. The newest messages of
 * each group are kept per person in localStorage.
 */
class GroupChat {
  #groups = new SvelteMap<string, GroupView>();
  #logs = new SvelteMap<string, MessageView[]>();
  /** Per group, the change cursor the last sync gave. */
  #changes = new Map<string, number>();
  #order = new SeqOrder<MessageView>({ holdMs: HOLD_MS });
  #orderTimer: ReturnType<typeof setTimeout> | undefined;
  #staleTimer: ReturnType<typeof setInterval> | undefined;
  #quotes = new QuotedMessages();
  #failed = new SvelteMap<string, PendingMessage>();
  #loadingOlder = new SvelteSet<string>();
  #active = $state(false);
  #listed = $state(false);
  #syncing = $state(false);
  #syncFailed = $state(false);
  #me: { id: string; role: Role } | null = null;
  #drafts = new Map<string, string>();
  #readOwed = new Map<string, number>();
  #readTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #wanted = new Set<string>();
  #syncRunning = false;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #listTimer: ReturnType<typeof setTimeout> | undefined;
  #stops: (() => void)[] = [];

  /** True while someone is signed in. */
  get active(): boolean {
    return this.#active;
  }
  /** True once the hub has listed the groups since the page loaded. */
  get listed(): boolean {
    return this.#listed;
  }
  /** True while catching up with the hub. */
  get syncing(): boolean {
    return this.#syncing;
  }
  /** True when the last catch-up got no answer. */
  get syncFailed(): boolean {
    return this.#syncFailed;
  }

  /** The person's groups, most recently active first. */
  get groups(): GroupView[] {
    return [...this.#groups.values()]
      .map((group) => ({ group, at: this.#logs.get(group.id)?.at(-1)?.createdAt ?? 0 }))
      .sort(byActivity)
      .map((g) => g.group);
  }

  /** Unread messages over all groups: the badge on the navigation link. */
  get totalUnread(): number {
    let n = 0;
    for (const g of this.#groups.values()) n += g.unread;
    return n;
  }

  /** One group. */
  group(groupId: string): GroupView | undefined {
    return this.#groups.get(groupId);
  }

  /** The messages held for a group, oldest first, gap-free. */
  messages(groupId: string): readonly MessageView[] {
    return this.#logs.get(groupId) ?? [];
  }

  /** The newest held message of a group (the list's preview). */
  lastMessage(groupId: string): MessageView | undefined {
    return this.#logs.get(groupId)?.at(-1);
  }

  /** True when the group's first message is held (nothing older to load). */
  reachesStart(groupId: string): boolean {
    const log = this.#logs.get(groupId) ?? [];
    return log.length === 0 ? (this.#groups.get(groupId)?.lastSeq ?? 0) === 0 : reachesStart(log);
  }

  /** True while older messages of the group are being fetched. */
  loadingOlder(groupId: string): boolean {
    return this.#loadingOlder.has(groupId);
  }

  /** The person's own messages for a group that the hub has not stored yet, or refused. */
  pending(groupId: string): PendingMessage[] {
    return pendingMessages(groupId, {
      entries: outbox.entries,
      isSending: (id) => outbox.isSending(id),
      online: connection.state === 'connected',
      failed: this.#failed.values(),
      log: this.#logs.get(groupId) ?? [],
      selfId: this.#me?.id ?? null,
      matterOf: (matterId) => groupMatters.get(matterId),
    });
  }

  /** The unsent text of a group's composer. */
  draft(groupId: string): string {
    return this.#drafts.get(groupId) ?? '';
  }

  /** Keeps the composer's text while the person looks elsewhere. */
  setDraft(groupId: string, text: string): void {
    if (text === '') this.#drafts.delete(groupId);
    else this.#drafts.set(groupId, text);
  }

  /** Starts for the signed-in person: loads the cache, listens, and syncs on every connection. */
  start(me: { id: string; role: Role }): void {
    this.stop();
    this.#me = me;
    this.#active = true;
    const cache = loadGroupCache(me.id);
    for (const g of cache.groups) this.#groups.set(g.id, g);
    for (const [id, log] of Object.entries(cache.logs)) if (this.#groups.has(id)) this.#logs.set(id, log);
    for (const [id, cursor] of Object.entries(cache.changes)) if (this.#logs.has(id)) this.#changes.set(id, cursor);
    this.#staleTimer = setInterval(() => {
      if (connection.state === 'connected') void this.#listAndSyncBehind();
    }, STALE_CHECK_MS);
    this.#stops = [
      connection.on('message:created', (m) => this.#created(m)),
      connection.on('message:changed', (m) => this.#changed(m)),
      connection.on('group:changed', () => this.#scheduleList()),
      connection.onConnected(() => void this.#catchUp()),
      outbox.onSettled((s) => this.#settled(s)),
    ];
  }

  /** Stops listening and empties memory; the cache stays for the next visit. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    if (this.#me !== null) this.#saveNow();
    clearTimeout(this.#saveTimer);
    clearTimeout(this.#listTimer);
    clearTimeout(this.#orderTimer);
    clearInterval(this.#staleTimer);
    this.#order.clear();
    this.#changes.clear();
    for (const timer of this.#readTimers.values()) clearTimeout(timer);
    this.#readTimers.clear();
    this.#readOwed.clear();
    this.#groups.clear();
    this.#logs.clear();
    this.#quotes.clear();
    this.#failed.clear();
    this.#drafts.clear();
    this.#wanted.clear();
    this.#me = null;
    this.#active = false;
    this.#listed = false;
    this.#syncFailed = false;
  }

  /** Stops and removes the person's chats from this device (sign-out). */
  forget(): void {
    const me = this.#me;
    this.stop();
    if (me) clearGroupCache(me.id);
  }

  /** Sends a message (queued in the outbox until the hub stores it): text, a reply, mentions, an uploaded image. */
  send(
    groupId: string,
    text: string,
    extra: Pick<SendMessagePayload, 'replyToSeq' | 'mentions' | 'mentionAll' | 'imageId'> = {},
  ): Promise<CommandAck<'message:send'>> {
    const payload: SendMessagePayload = { groupId, clientId: newClientId(), text };
    if (extra.replyToSeq !== undefined) payload.replyToSeq = extra.replyToSeq;
    if (extra.mentions && extra.mentions.length > 0) payload.mentions = extra.mentions;
    if (extra.mentionAll) payload.mentionAll = true;
    if (extra.imageId !== undefined) payload.imageId = extra.imageId;
    return outbox.send({ event: 'message:send', payload });
  }

  /** Takes back a message not yet sent, or clears one the hub refused. */
  discard(clientId: string): void {
    if (this.#failed.delete(clientId)) return;
    outbox.discard(clientId);
  }

  /** 撤回 one's own message (within two minutes) or 移除 someone's as the group's officer. */
  async recall(groupId: string, seq: number): Promise<CommandResult<'message:recall'>> {
    const res = await connection.emit('message:recall', { groupId, seq });
    if (res.ok) this.#changed(res.message);
    return res;
  }

  /** Messages up to `seq` are on screen: moves the read cursor (sent a moment later, coalesced). */
  markRead(groupId: string, seq: number): void {
    const g = this.#groups.get(groupId);
    if (!g || seq <= g.readSeq) return;
    const readSeq = Math.min(seq, Math.max(g.lastSeq, lastSeq(this.messages(groupId))));
    if (readSeq <= g.readSeq) return;
    this.#groups.set(groupId, { ...g, readSeq, unread: Math.max(0, g.lastSeq - readSeq) });
    this.#readOwed.set(groupId, readSeq);
    if (!this.#readTimers.has(groupId)) {
      this.#readTimers.set(
        groupId,
        setTimeout(() => {
          this.#readTimers.delete(groupId);
          void this.#sendRead(groupId);
        }, READ_DELAY_MS),
      );
    }
    this.#scheduleSave();
  }

  /** Fetches the page of messages before the first one held (scrolling up). */
  async loadOlder(groupId: string, limit = HISTORY_PAGE): Promise<void> {
    const log = this.#logs.get(groupId) ?? [];
    if (this.#loadingOlder.has(groupId) || log.length === 0 || reachesStart(log)) return;
    this.#loadingOlder.add(groupId);
    try {
      const res = await connection.emit('group:history', { groupId, beforeSeq: firstSeq(log), limit });
      if (!res.ok || !this.#active) return;
      this.#logs.set(groupId, prepend(this.#logs.get(groupId) ?? [], res.messages));
    } finally {
      this.#loadingOlder.delete(groupId);
    }
  }

  /** Loads older pages until `seq` is held (a jump to the first unread or a search hit). False if it could not. */
  async reach(groupId: string, seq: number): Promise<boolean> {
    for (let i = 0; i < MAX_JUMP_PAGES; i++) {
      const log = this.#logs.get(groupId) ?? [];
      if (indexOfSeq(log, seq) >= 0) return true;
      if (log.length === 0 || reachesStart(log) || seq > lastSeq(log)) return false;
      const before = firstSeq(log);
      await this.loadOlder(groupId, 200);
      if (firstSeq(this.#logs.get(groupId) ?? []) === before) return false;
    }
    return indexOfSeq(this.#logs.get(groupId) ?? [], seq) >= 0;
  }

  /**
   * A message quoted by a reply: the held copy, or one fetched on demand (undefined while it
   * loads, null if it cannot be had).
   */
  quote(groupId: string, seq: number): MessageView | null | undefined {
    const log = this.#logs.get(groupId) ?? [];
    const i = indexOfSeq(log, seq);
    if (i >= 0) return log[i];
    return this.#quotes.get(groupId, seq, () => this.#active);
  }

  /** Searches the person's groups (or one) for a text; hits carry the match positions. */
  search(query: string, groupId?: string): Promise<CommandResult<'message:search'>> {
    return connection.emit('message:search', groupId ? { query, groupId } : { query });
  }

  /** Lists the groups again (a notice was pinned, someone was let in). */
  async refresh(): Promise<void> {
    await this.#list();
  }

  /** Takes in a group the hub just opened for the person (a one-to-one conversation) and catches it up. */
  adopt(group: GroupView): void {
    if (!this.#groups.has(group.id)) this.#groups.set(group.id, group);
    void this.#sync([group.id]);
  }

  /** The person has read the group's current notice. */
  noticeRead(groupId: string): void {
    const g = this.#groups.get(groupId);
    if (g?.notice && !g.notice.read) this.#groups.set(groupId, { ...g, notice: { ...g.notice, read: true } });
  }

  async #catchUp(): Promise<void> {
    for (const groupId of [...this.#readOwed.keys()]) await this.#sendRead(groupId);
    if (!(await this.#list())) return;
    await this.#sync([...this.#groups.keys()]);
  }

  /** Fetches the groups; drops what the person no longer belongs to and logs from another store. */
  async #list(): Promise<boolean> {
    const me = this.#me;
    const res = await connection.emit('group:list', {});
    if (this.#me !== me) return false;
    if (!res.ok) {
      this.#syncFailed = true;
      return false;
    }
    const listed = new Set(res.groups.map((g) => g.id));
    for (const id of [...this.#groups.keys()]) {
      if (!listed.has(id)) {
        this.#groups.delete(id);
        this.#forgetLog(id);
      }
    }
    for (const g of res.groups) {
      const log = this.#logs.get(g.id);
      // Holding more than the group has means the hub's data was reset or restored: start the group over.
      if (log && lastSeq(log) > g.lastSeq) this.#forgetLog(g.id);
      const owed = this.#readOwed.get(g.id) ?? 0;
      const readSeq = Math.max(g.readSeq, owed);
      this.#groups.set(g.id, { ...g, readSeq, unread: Math.max(0, g.lastSeq - readSeq) });
    }
    this.#listed = true;
    this.#scheduleSave();
    return true;
  }

  /**
   * Catches the given groups up from their cursors, page by page; groups asked for meanwhile
   * follow. A group more than a sync page behind starts over from its newest messages instead.
   */
  async #sync(groupIds: string[]): Promise<void> {
    for (const id of groupIds) this.#wanted.add(id);
    if (this.#syncRunning) return;
    this.#syncRunning = true;
    this.#syncing = true;
    const me = this.#me;
    try {
      while (this.#wanted.size > 0) {
        const batch = [...this.#wanted].filter((id) => this.#groups.has(id)).slice(0, MAX_CURSORS);
        for (const id of batch) this.#wanted.delete(id);
        if (batch.length === 0) {
          this.#wanted.clear();
          break;
        }
        for (const id of batch) {
          const g = this.#groups.get(id);
          if (!g || g.lastSeq - lastSeq(this.messages(id)) <= SYNC_LIMIT) continue;
          // New on this device or far behind: start from the newest page; older ones load when scrolled to.
          const res = await connection.emit('group:history', { groupId: id, limit: HISTORY_PAGE });
          if (this.#me !== me) return;
          if (res.ok && res.messages.length > 0) this.#logs.set(id, prepend([], res.messages));
        }
        for (;;) {
          const cursors = Object.fromEntries(batch.map((id) => [id, lastSeq(this.messages(id))]));
          const changes = Object.fromEntries(
            batch.flatMap((id) => {
              const cursor = this.#changes.get(id);
              return cursor === undefined ? [] : [[id, cursor]];
            }),
          );
          const res = await connection.emit('group:sync', { cursors, changes, limit: SYNC_LIMIT });
          if (this.#me !== me) return;
          if (!res.ok) {
            // The next connection catches everything up again.
            this.#syncFailed = true;
            return;
          }
          this.#absorb(res.messages);
          this.#edited(res.edits);
          for (const [id, cursor] of Object.entries(res.changes)) {
            if (this.#groups.has(id)) this.#changes.set(id, cursor);
          }
          if (!res.more) break;
        }
      }
      this.#syncFailed = false;
    } finally {
      this.#syncRunning = false;
      this.#syncing = false;
    }
  }

  /**
   * Folds messages into their groups' logs: a sync page as it comes, live ones through the
   * hold-back (presented by seq; a gap that stays open, or one in a sync page, syncs the group).
   */
  #absorb(messages: readonly MessageView[], live = false): void {
    const byGroup = new Map<string, MessageView[]>();
    for (const m of messages) {
      const list = byGroup.get(m.groupId) ?? [];
      list.push(m);
      byGroup.set(m.groupId, list);
    }
    for (const [groupId, list] of byGroup) {
      const g = this.#groups.get(groupId);
      if (!g) continue;
      let log = this.#logs.get(groupId) ?? [];
      let changed = false;
      let gap = false;
      if (!live) ({ log, changed, gap } = extend(log, list));
      if (live || this.#order.holds(groupId)) {
        // A sync page may have brought what held seqs waited for: they are released with it.
        const held = this.#order.offer(groupId, lastSeq(log), live ? list : [], Date.now());
        const r = extend(log, held.ready);
        if (r.changed) ({ log, changed } = { log: r.log, changed: true });
        gap ||= held.expired;
        this.#armOrder();
      }
      if (changed) this.#logs.set(groupId, log);
      if (gap) void this.#sync([groupId]);
      const held = lastSeq(log);
      // A seq held back past a gap still counts as unread while it waits.
      const last = Math.max(g.lastSeq, held, ...list.map((m) => m.seq));
      let readSeq = g.readSeq;
      // The hub moves a sender's read cursor to their own message.
      for (const m of list) if (m.sender.id === this.#me?.id && m.seq <= held && m.seq > readSeq) readSeq = m.seq;
      if (last !== g.lastSeq || readSeq !== g.readSeq)
        this.#groups.set(groupId, { ...g, lastSeq: last, readSeq, unread: Math.max(0, last - readSeq) });
      for (const m of list) if (m.status !== 'ok') this.#quotes.refresh(m);
    }
    if (messages.length > 0) this.#scheduleSave();
  }

  /** One timer for the earliest held gap; a gap still open when it fires syncs its group. */
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

  /** Recalls and removals made while away: the held copies (and the cache) become placeholders. */
  #edited(edits: readonly MessageEdit[]): void {
    const byGroup = new Map<string, MessageEdit[]>();
    for (const e of edits) byGroup.set(e.groupId, [...(byGroup.get(e.groupId) ?? []), e]);
    for (const [groupId, list] of byGroup) {
      const log = this.#logs.get(groupId);
      if (!log) continue;
      const r = applyEdits(log, list);
      if (r.log === log) continue;
      this.#logs.set(groupId, r.log);
      for (const m of r.placeholders) this.#quotes.refresh(m);
    }
    if (edits.length > 0) this.#scheduleSave();
  }

  #forgetLog(groupId: string): void {
    this.#logs.delete(groupId);
    this.#changes.delete(groupId);
    this.#order.clear(groupId);
  }

  #created(m: MessageView): void {
    if (!this.#groups.has(m.groupId)) {
      // A group this device has not listed yet (the person was just added): list and sync.
      void this.#list().then((ok) => {
        if (ok) void this.#sync([m.groupId]);
      });
      return;
    }
    this.#absorb([m], true);
  }

  /** A recall or removal: the placeholder replaces the held message and any quote of it. */
  #changed(m: MessageView): void {
    // The next edit in order moves the change cursor; one after a missed edit waits for the sync.
    if (this.#changes.get(m.groupId) === m.changeSeq - 1) this.#changes.set(m.groupId, m.changeSeq);
    const log = this.#logs.get(m.groupId);
    if (log) {
      const next = replace(log, m);
      if (next !== log) {
        this.#logs.set(m.groupId, next);
        this.#scheduleSave();
      }
    }
    this.#quotes.refresh(m);
  }

  #settled(settled: OutboxSettlement): void {
    if (settled.event === 'message:send') {
      const { command, result } = settled;
      if (result.ok) {
        this.#failed.delete(command.payload.clientId);
        this.#absorb([result.message], true);
      } else {
        const p = command.payload;
        this.#failed.set(p.clientId, {
          clientId: p.clientId,
          groupId: p.groupId,
          text: p.text,
          replyToSeq: p.replyToSeq ?? null,
          imageId: p.imageId ?? null,
          status: 'failed',
          queuedAt: Date.now(),
          code: result.error.code,
        });
      }
    } else if (settled.event === 'matter:update' && settled.result.ok) {
      // The answer was posted into the group: make sure it is here even if its live event was missed.
      const { groupId, answerSeq } = settled.result.matter;
      if (answerSeq !== null && answerSeq > lastSeq(this.messages(groupId))) void this.#sync([groupId]);
    }
  }

  async #sendRead(groupId: string): Promise<void> {
    const seq = this.#readOwed.get(groupId);
    if (seq === undefined) return;
    const res = await connection.emit('group:read', { groupId, seq });
    // Offline: still owed, sent again on the next connection.
    if (res.ok || (res.error.code !== 'not_connected' && res.error.code !== 'timeout')) {
      if (this.#readOwed.get(groupId) === seq) this.#readOwed.delete(groupId);
    }
  }

  /**
   * A group changed (its notice, its members, the person let in or removed). Changes come in
   * bursts, so one listing follows them; a group the person was just let into is caught up.
   */
  #scheduleList(): void {
    clearTimeout(this.#listTimer);
    this.#listTimer = setTimeout(() => void this.#listAndSyncBehind(), LIST_DELAY_MS);
  }

  /** Lists the groups and syncs those whose last seq is past the last one held (stale). */
  async #listAndSyncBehind(): Promise<void> {
    if (!(await this.#list())) return;
    const behind = [...this.#groups.values()].filter((g) => lastSeq(this.messages(g.id)) < g.lastSeq).map((g) => g.id);
    if (behind.length > 0) await this.#sync(behind);
  }

  #scheduleSave(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#saveNow(), SAVE_DELAY_MS);
  }

  #saveNow(): void {
    clearTimeout(this.#saveTimer);
    if (this.#me === null) return;
    saveGroupCache(this.#me.id, {
      groups: [...this.#groups.values()],
      logs: Object.fromEntries(this.#logs),
      changes: Object.fromEntries(this.#changes),
    });
  }
}

/** The signed-in person's group chats. */
export const groupChat = new GroupChat();
