import type { MessageView } from '@fengqiao/hub/protocol';

/** A message this device is still getting to the hub, or that the hub refused. */
export interface PendingMessage {
  clientId: string;
  groupId: string;
  text: string;
  replyToSeq: number | null;
  /** An image uploaded for it, if any. */
  imageId: string | null;
  /** sending: on the wire; queued: waits for the connection; waiting: the hub asked to wait (rate); failed: refused. */
  status: 'sending' | 'queued' | 'waiting' | 'failed';
  queuedAt: number;
  /** When the next attempt is due (waiting). */
  retryAt?: number;
  /** The hub's reason (failed), or the last "not now" answer. */
  code?: string;
}

/** One row of the chat view: what the windowed list lays out. */
export type ChatRow =
  /** The group's very first message is held: nothing older to load. */
  | { kind: 'start'; key: 'start' }
  /** Older messages exist on the hub: scrolling up loads them. */
  | { kind: 'more'; key: 'more' }
  | { kind: 'day'; key: string; at: number }
  /** "New messages from here" above the first unread message. */
  | { kind: 'unread'; key: 'unread' }
  /** `continued`: same sender shortly after the previous message, so no name is repeated. */
  | { kind: 'message'; key: string; message: MessageView; continued: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/** Messages of one sender closer together than this share one name line. */
const RUN_MS = 5 * 60_000;

/** The key of a message row (also how the view finds a seq). */
export const messageKey = (seq: number): string => `m:${seq}`;

/** The viewer's calendar day of a moment, as `YYYY-MM-DD`. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * The rows of a chat: a start or "more" row, a separator at each new day, the unread marker
 * before `firstUnreadSeq` (if that message is held), the messages, then what is still pending.
 */
export function buildRows(
  log: readonly MessageView[],
  pending: readonly PendingMessage[],
  opts: { firstUnreadSeq: number | null; reachesStart: boolean; dayOf?: (ms: number) => string },
): ChatRow[] {
  const dayOf = opts.dayOf ?? localDay;
  const rows: ChatRow[] = [opts.reachesStart ? { kind: 'start', key: 'start' } : { kind: 'more', key: 'more' }];
  let day: string | null = null;
  let prev: MessageView | null = null;
  for (const m of log) {
    const d = dayOf(m.createdAt);
    if (d !== day) {
      rows.push({ kind: 'day', key: `day:${d}`, at: m.createdAt });
      day = d;
      prev = null;
    }
    if (m.seq === opts.firstUnreadSeq) {
      rows.push({ kind: 'unread', key: 'unread' });
      prev = null;
    }
    const continued =
      prev !== null &&
      prev.sender.id === m.sender.id &&
      prev.status === 'ok' &&
      m.status === 'ok' &&
      m.createdAt - prev.createdAt < RUN_MS;
    rows.push({ kind: 'message', key: messageKey(m.seq), message: m, continued });
    prev = m;
  }
  const today = dayOf(Date.now());
  for (const p of pending) {
    if (day !== today) {
      rows.push({ kind: 'day', key: `day:${today}`, at: p.queuedAt });
      day = today;
    }
    rows.push({ kind: 'pending', key: `p:${p.clientId}`, pending: p });
  }
  return rows;
}

/**
 * Splits a text into plain and highlighted runs at the hub's match positions ([start, end)
 * UTF-16 offsets), so a search hit is rendered as text, never as HTML.
 */
export function highlight(
  text: string,
  matches: readonly (readonly [number, number])[],
): { text: string; hit: boolean }[] {
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const [start, end] of [...matches].sort((a, b) => a[0] - b[0])) {
    const s = Math.max(start, at);
    const e = Math.min(end, text.length);
    if (e <= s) continue;
    if (s > at) out.push({ text: text.slice(at, s), hit: false });
    out.push({ text: text.slice(s, e), hit: true });
    at = e;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}
