import { SvelteMap } from 'svelte/reactivity';
import type { GroupView, MessageView, Role, SendMessagePayload } from '@fengqiao/hub/protocol';
import { ConversationStore } from '../conversations/conversation.svelte.ts';
import { newClientId } from '../realtime/client-id.ts';
import { connection, type CommandAck, type CommandResult } from '../realtime/index.ts';
import { outbox, type OutboxSettlement } from '../realtime/outbox.svelte.ts';
import type { PendingMessage } from './chat-rows.ts';
import { clearGroupCache, loadGroupCache, saveGroupCache } from './group-cache.ts';
import { groupMatters } from './group-matters.svelte.ts';
import { pendingMessages } from './pending-messages.ts';
import { QuotedMessages } from './quoted-messages.svelte.ts';

const SAVE_DELAY_MS = 500;
const LIST_DELAY_MS = 300;
/** While connected, how often the groups are listed to catch one whose last message was never announced. */
const STALE_CHECK_MS = 60_000;

/** Newest activity first: the last held message's time, then the name. */
function byActivity(a: { group: GroupView; at: number }, b: { group: GroupView; at: number }): number {
  return b.at - a.at || a.group.name.localeCompare(b.group.name, 'zh-CN');
}

/**
 * The person's group chats (群聊), fed by the one connection. On every (re)connect it sends the
 * read cursors still owed, asks `group:list` for the groups and their unread counts, then catches
 * every group up through its conversation store (`group:sync` from the last seq held; a group
 * never seen, or more than a page behind, starts from its newest messages; older ones are fetched
 * on scrolling up). The store presents live messages by seq and brings recalls and removals of
 * held messages. While connected the groups are listed again now and then, so a message
 * committed but never announced (its node died) is noticed even when the group stays quiet.
 * Messages go out through the outbox, so one typed offline is sent on reconnect with the same
 * client id and never doubled. The newest messages of each group are kept per person in
 * localStorage.
 */
class GroupChat {
  #groups = new SvelteMap<string, GroupView>();
  #store = new ConversationStore(
    {
      sync: (cursors, changes, limit) => connection.emit('group:sync', { cursors, changes, limit }),
      history: (groupId, beforeSeq, limit) =>
        connection.emit('group:history', beforeSeq === undefined ? { groupId, limit } : { groupId, beforeSeq, limit }),
      read: (groupId, seq) => connection.emit('group:read', { groupId, seq }),
    },
    {
      keeps: (groupId) => this.#groups.has(groupId),
      listedLastSeq: (groupId) => this.#groups.get(groupId)?.lastSeq,
      absorbed: (groupId, messages, held) => this.#absorbed(groupId, messages, held),
      edited: (m) => this.#quotes.refresh(m),
      changed: () => this.#scheduleSave(),
    },
  );
  #staleTimer: ReturnType<typeof setInterval> | undefined;
  #quotes = new QuotedMessages();
  #failed = new SvelteMap<string, PendingMessage>();
  #active = $state(false);
  #listed = $state(false);
  #listFailed = $state(false);
  #me: { id: string; role: Role } | null = null;
  #drafts = new Map<string, string>();
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
  /** True when the last catch-up got no answer. */
  get syncFailed(): boolean {
    return this.#listFailed || this.#store.syncFailed;
  }

  /** The person's groups, most recently active first. */
  get groups(): GroupView[] {
    return [...this.#groups.values()]
      .map((group) => ({ group, at: this.lastMessage(group.id)?.createdAt ?? 0 }))
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
    return this.#store.messages(groupId);
  }

  /** The newest held message of a group (the list's preview). */
  lastMessage(groupId: string): MessageView | undefined {
    return this.#store.messages(groupId).at(-1);
  }

  /** True when the group's first message is held (nothing older to load). */
  reachesStart(groupId: string): boolean {
    return this.#store.holds(groupId)
      ? this.#store.reachesStart(groupId)
      : (this.#groups.get(groupId)?.lastSeq ?? 0) === 0;
  }

  /** True while older messages of the group are being fetched. */
  loadingOlder(groupId: string): boolean {
    return this.#store.loadingOlder(groupId);
  }

  /** The person's own messages for a group that the hub has not stored yet, or refused. */
  pending(groupId: string): PendingMessage[] {
    return pendingMessages(groupId, {
      entries: outbox.entries,
      isSending: (id) => outbox.isSending(id),
      online: connection.state === 'connected',
      failed: this.#failed.values(),
      log: this.#store.messages(groupId),
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
    this.#store.restore(cache.logs, cache.changes);
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
    clearInterval(this.#staleTimer);
    this.#store.clear();
    this.#groups.clear();
    this.#quotes.clear();
    this.#failed.clear();
    this.#drafts.clear();
    this.#me = null;
    this.#active = false;
    this.#listed = false;
    this.#listFailed = false;
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
    const readSeq = Math.min(seq, Math.max(g.lastSeq, this.#store.lastSeq(groupId)));
    if (readSeq <= g.readSeq) return;
    this.#groups.set(groupId, { ...g, readSeq, unread: Math.max(0, g.lastSeq - readSeq) });
    this.#store.markRead(groupId, readSeq);
    this.#scheduleSave();
  }

  /** Fetches the page of messages before the first one held (scrolling up). */
  loadOlder(groupId: string): Promise<void> {
    return this.#store.loadOlder(groupId);
  }

  /** Loads older pages until `seq` is held (a jump to the first unread or a search hit). False if it could not. */
  reach(groupId: string, seq: number): Promise<boolean> {
    return this.#store.reach(groupId, seq);
  }

  /**
   * A message quoted by a reply: the held copy, or one fetched on demand (undefined while it
   * loads, null if it cannot be had).
   */
  quote(groupId: string, seq: number): MessageView | null | undefined {
    return this.#store.find(groupId, seq) ?? this.#quotes.get(groupId, seq, () => this.#active);
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
    void this.#store.sync([group.id]);
  }

  /** The person has read the group's current notice. */
  noticeRead(groupId: string): void {
    const g = this.#groups.get(groupId);
    if (g?.notice && !g.notice.read) this.#groups.set(groupId, { ...g, notice: { ...g.notice, read: true } });
  }

  async #catchUp(): Promise<void> {
    await this.#store.sendOwedReads();
    if (!(await this.#list())) return;
    await this.#store.sync([...this.#groups.keys()]);
  }

  /** Fetches the groups; drops what the person no longer belongs to and logs from another store. */
  async #list(): Promise<boolean> {
    const me = this.#me;
    const res = await connection.emit('group:list', {});
    if (this.#me !== me) return false;
    if (!res.ok) {
      this.#listFailed = true;
      return false;
    }
    this.#listFailed = false;
    const listed = new Set(res.groups.map((g) => g.id));
    for (const id of [...this.#groups.keys()]) {
      if (!listed.has(id)) {
        this.#groups.delete(id);
        this.#store.forget(id);
      }
    }
    for (const g of res.groups) {
      // Holding more than the group has means the hub's data was reset or restored: start the group over.
      if (this.#store.lastSeq(g.id) > g.lastSeq) this.#store.forget(g.id);
      const owed = this.#store.owedRead(g.id) ?? 0;
      const readSeq = Math.max(g.readSeq, owed);
      this.#groups.set(g.id, { ...g, readSeq, unread: Math.max(0, g.lastSeq - readSeq) });
    }
    this.#listed = true;
    this.#scheduleSave();
    return true;
  }

  /** Messages came into a group's log: its last seq, unread count and quotes follow. */
  #absorbed(groupId: string, list: readonly MessageView[], held: number): void {
    const g = this.#groups.get(groupId);
    if (!g) return;
    // A seq held back past a gap still counts as unread while it waits.
    const last = Math.max(g.lastSeq, held, ...list.map((m) => m.seq));
    let readSeq = g.readSeq;
    // The hub moves a sender's read cursor to their own message.
    for (const m of list) if (m.sender.id === this.#me?.id && m.seq <= held && m.seq > readSeq) readSeq = m.seq;
    if (last !== g.lastSeq || readSeq !== g.readSeq)
      this.#groups.set(groupId, { ...g, lastSeq: last, readSeq, unread: Math.max(0, last - readSeq) });
    for (const m of list) if (m.status !== 'ok') this.#quotes.refresh(m);
  }

  #created(m: MessageView): void {
    if (!this.#groups.has(m.groupId)) {
      // A group this device has not listed yet (the person was just added): list and sync.
      void this.#list().then((ok) => {
        if (ok) void this.#store.sync([m.groupId]);
      });
      return;
    }
    this.#store.absorb([m], { live: true });
  }

  /** A recall or removal: the placeholder replaces the held message and any quote of it. */
  #changed(m: MessageView): void {
    this.#store.replace(m);
    this.#quotes.refresh(m);
  }

  #settled(settled: OutboxSettlement): void {
    if (settled.event === 'message:send') {
      const { command, result } = settled;
      if (result.ok) {
        this.#failed.delete(command.payload.clientId);
        this.#store.absorb([result.message], { live: true });
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
      if (answerSeq !== null && answerSeq > this.#store.lastSeq(groupId)) void this.#store.sync([groupId]);
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
    const behind = [...this.#groups.values()].filter((g) => this.#store.lastSeq(g.id) < g.lastSeq).map((g) => g.id);
    if (behind.length > 0) await this.#store.sync(behind);
  }

  #scheduleSave(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#saveNow(), SAVE_DELAY_MS);
  }

  #saveNow(): void {
    clearTimeout(this.#saveTimer);
    if (this.#me === null) return;
    saveGroupCache(this.#me.id, { groups: [...this.#groups.values()], ...this.#store.snapshot() });
  }
}

/** The signed-in person's group chats. */
export const groupChat = new GroupChat();
