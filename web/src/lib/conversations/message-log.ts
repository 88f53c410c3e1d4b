import type { MessageEdit, MessageView } from '@fengqiao/hub/protocol';

/*
 * One conversation's messages (a group's, a hotline thread's) as this device holds them: sorted by
 * seq and gap-free, from some first seq up to the last one held, which is the conversation's sync
 * cursor. Plain functions over arrays, so the store can keep each log in reactive state and
 * replace it on change.
 */

/** The last seq held (the sync cursor), 0 when nothing is held. */
export function lastSeq(log: readonly MessageView[]): number {
  return log.at(-1)?.seq ?? 0;
}

/** The first seq held, 0 when nothing is held. */
export function firstSeq(log: readonly MessageView[]): number {
  return log[0]?.seq ?? 0;
}

/** True when the log reaches back to the conversation's first message. */
export function reachesStart(log: readonly MessageView[]): boolean {
  return log.length === 0 || log[0]!.seq === 1;
}

/** What extending a log came to: the new log, and whether a message skipped past the cursor (a gap). */
export interface Extended {
  log: MessageView[];
  changed: boolean;
  gap: boolean;
}

/**
 * Adds newer messages (a sync page, a live message, a send's acknowledgement), in seq order. A seq
 * already held is dropped, unless the hub's copy has since been recalled or removed; one beyond
 * the cursor + 1 stops the walk and reports a gap (the caller syncs the conversation, which brings it).
 */
export function extend(log: readonly MessageView[], incoming: readonly MessageView[]): Extended {
  let out: MessageView[] | null = null;
  let gap = false;
  const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
  for (const m of sorted) {
    const current: readonly MessageView[] = out ?? log;
    const last = lastSeq(current);
    if (m.seq <= last) {
      const replaced = replace(current, m);
      if (replaced !== current) out = replaced;
      continue;
    }
    if (m.seq !== last + 1) {
      gap = true;
      break;
    }
    out = out ?? [...log];
    out.push(m);
  }
  return { log: out ?? [...log], changed: out !== null, gap };
}

/** Puts older messages (a history page) in front of the log; anything not directly before its first seq is ignored. */
export function prepend(log: readonly MessageView[], older: readonly MessageView[]): MessageView[] {
  const first = firstSeq(log);
  const sorted = [...older].filter((m) => first === 0 || m.seq < first).sort((a, b) => a.seq - b.seq);
  // Only a run that ends right before the first held seq keeps the log gap-free.
  const kept: MessageView[] = [];
  let expected = first === 0 ? null : first - 1;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const m = sorted[i]!;
    if (expected !== null && m.seq !== expected) break;
    kept.unshift(m);
    expected = m.seq - 1;
  }
  return [...kept, ...log];
}

/**
 * The hub's newer copy of a held message (recalled or removed): replaces it, never undoing a
 * recall with an older copy. Returns the same array when nothing changed.
 */
export function replace(log: readonly MessageView[], changed: MessageView): MessageView[] {
  const i = indexOfSeq(log, changed.seq);
  if (i < 0) return log as MessageView[];
  const held = log[i]!;
  if (held.status !== 'ok' || changed.status === 'ok') return log as MessageView[];
  const out = [...log];
  out[i] = changed;
  return out;
}

/**
 * Applies edits from a sync answer (recalls, removals of held messages): each held copy becomes
 * the placeholder everyone sees, its text, mentions and image gone. Returns the same array when
 * nothing changed, and the placeholders made (to refresh quotes of them).
 */
export function applyEdits(
  log: readonly MessageView[],
  edits: readonly MessageEdit[],
): { log: MessageView[]; placeholders: MessageView[] } {
  let out = log as MessageView[];
  const placeholders: MessageView[] = [];
  for (const e of edits) {
    const held = out[indexOfSeq(out, e.seq)];
    if (!held || held.id !== e.id || e.status === 'ok') continue;
    const gone = { text: '', mentions: [], mentionAll: false, image: null };
    const placeholder: MessageView = { ...held, ...gone, status: e.status, changeSeq: e.changeSeq };
    const next = replace(out, placeholder);
    if (next !== out) placeholders.push(placeholder);
    out = next;
  }
  return { log: out, placeholders };
}

/** Where a seq sits in the log, or -1. Seqs are gap-free, so this is arithmetic. */
export function indexOfSeq(log: readonly MessageView[], seq: number): number {
  const first = firstSeq(log);
  const i = seq - first;
  return first > 0 && i >= 0 && i < log.length && log[i]!.seq === seq ? i : -1;
}

/** The newest `keep` messages (what is stored on the device). */
export function tail(log: readonly MessageView[], keep: number): MessageView[] {
  return log.length <= keep ? [...log] : log.slice(log.length - keep);
}
