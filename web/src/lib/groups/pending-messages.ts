import type { MessageView } from '@fengqiao/hub/protocol';
import type { OutboxEntry } from '../realtime/outbox.svelte.ts';
import type { PendingMessage } from './chat-rows.ts';

/** How far back from the newest message a pending one is looked for among those held. */
const PENDING_LOOKBACK = 500;

/** What `pendingMessages` reads: the outbox, the connection, refused sends, the group's log, and the matters. */
export interface PendingSources {
  entries: readonly OutboxEntry[];
  isSending: (clientId: string) => boolean;
  online: boolean;
  /** Sends the hub refused, still shown until cleared. */
  failed: Iterable<PendingMessage>;
  /** The group's held messages. */
  log: readonly MessageView[];
  selfId: string | null;
  /** The group and message a matter was raised from (its answer is posted there). */
  matterOf: (matterId: string) => { groupId: string; seq: number } | undefined;
}

/**
 * The person's messages for a group that the hub has not stored yet, or refused: queued sends,
 * and answers of matters being resolved (posted into the group quoting the original). One whose
 * client id is already held in the log is not pending any more (its live copy came in before the
 * outbox heard the answer), so nothing shows twice.
 */
export function pendingMessages(groupId: string, src: PendingSources): PendingMessage[] {
  const out: PendingMessage[] = [];
  for (const e of src.entries) {
    const c = e.command;
    let text: string;
    let replyToSeq: number | null;
    let imageId: string | null = null;
    if (c.event === 'message:send' && c.payload.groupId === groupId) {
      text = c.payload.text;
      replyToSeq = c.payload.replyToSeq ?? null;
      imageId = c.payload.imageId ?? null;
    } else if (c.event === 'matter:update' && src.matterOf(c.payload.matterId)?.groupId === groupId) {
      text = c.payload.answer;
      replyToSeq = src.matterOf(c.payload.matterId)?.seq ?? null;
    } else continue;
    const id = c.payload.clientId;
    const status: PendingMessage['status'] = src.isSending(id)
      ? 'sending'
      : !src.online
        ? 'queued'
        : e.retryAt
          ? 'waiting'
          : 'sending';
    out.push({
      clientId: id,
      groupId,
      text,
      replyToSeq,
      imageId,
      status,
      queuedAt: e.queuedAt,
      ...(e.retryAt ? { retryAt: e.retryAt } : {}),
      ...(e.lastError ? { code: e.lastError } : {}),
    });
  }
  for (const f of src.failed) if (f.groupId === groupId) out.push(f);
  if (out.length === 0) return out;
  const held = new Set<string>();
  const log = src.log;
  for (let i = log.length - 1; i >= 0 && i >= log.length - PENDING_LOOKBACK; i--)
    if (log[i]!.sender.id === src.selfId) held.add(log[i]!.clientId);
  return out.filter((p) => !held.has(p.clientId));
}
