/*
 * @mentions in the composer and in messages, as plain functions over text: which "@…" the caret
 * is in (for the autocomplete), what picking a name writes, which picked people are still named
 * in the text when it is sent, and how a message's text splits into plain and mention runs.
 */

/** The words that mention everyone (@所有人, or @all as typed in English). */
export const ALL_TOKENS: readonly string[] = ['所有人', 'all'];

/** Someone who can be mentioned. */
export interface MentionCandidate {
  id: string;
  name: string;
}

/** The "@query" being typed: where its @ stands and what follows it up to the caret. */
export interface ActiveMention {
  start: number;
  query: string;
}

const MAX_QUERY = 20;
/** An @ right after a Latin letter or digit is an e-mail address, not a mention. */
const WORD_BEFORE = /[A-Za-z0-9._%+-]$/;

/** The "@…" the caret is in, or null: no whitespace between the @ and the caret, at most 20 characters. */
export function activeMention(text: string, caret: number): ActiveMention | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY || /[\s@]/.test(query)) return null;
  if (WORD_BEFORE.test(before.slice(0, at))) return null;
  return { start: at, query };
}

/**
 * Whom the autocomplete offers for a query: "everyone" first when the person may use it, then
 * members whose name contains the query (not the person themself), at most `limit`.
 */
export function mentionCandidates<T extends MentionCandidate>(
  members: readonly T[],
  query: string,
  opts: { selfId: string; allowAll: boolean; allLabel: string; limit?: number },
): { all: boolean; members: T[] } {
  const q = query.trim().toLowerCase();
  const all = opts.allowAll && (q === '' || [opts.allLabel, ...ALL_TOKENS].some((w) => w.toLowerCase().startsWith(q)));
  const found = members.filter((m) => m.id !== opts.selfId && m.name.toLowerCase().includes(q));
  // Names that start with the query come first.
  found.sort(
    (a, b) =>
      Number(!a.name.toLowerCase().startsWith(q)) - Number(!b.name.toLowerCase().startsWith(q)) ||
      a.name.localeCompare(b.name, 'zh-CN'),
  );
  return { all, members: found.slice(0, opts.limit ?? 8) };
}

/** Replaces the "@query" at `mention` with "@name " and says where the caret goes. */
export function insertMention(
  text: string,
  mention: ActiveMention,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  const next = text.slice(0, mention.start) + inserted + text.slice(caret).replace(/^ /, '');
  return { text: next, caret: mention.start + inserted.length };
}

/** Whether "@word" stands in the text as a whole mention (not as the start of a longer name). */
function names(text: string, word: string): boolean {
  const token = `@${word}`;
  for (let i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + 1)) {
    const next = text.charAt(i + token.length);
    if (next === '' || /[\s@,，。.!！?？:：;；、)）]/.test(next)) return true;
  }
  return false;
}

/**
 * What a message mentions when sent: the picked people still named in its text, and "everyone"
 * if it names @所有人 (or @all) and the person may use it.
 */
export function mentionsIn(
  text: string,
  picked: readonly MentionCandidate[],
  allowAll: boolean,
): { mentions: string[]; mentionAll: boolean } {
  const mentionAll = allowAll && ALL_TOKENS.some((w) => names(text, w));
  const mentions = mentionAll ? [] : [...new Set(picked.filter((p) => names(text, p.name)).map((p) => p.id))];
  return { mentions, mentionAll };
}

/**
 * Splits a message's text into plain runs and mention runs: "@name" for the given names (longest
 * first) and @所有人 / @all when the message mentions everyone. Rendered as text, never as HTML.
 */
export function mentionRuns(
  text: string,
  mentionedNames: readonly string[],
  mentionAll: boolean,
): { text: string; mention: boolean }[] {
  const words = [...new Set([...mentionedNames, ...(mentionAll ? ALL_TOKENS : [])])]
    .filter((w) => w.length > 0)
    .sort((a, b) => b.length - a.length);
  const out: { text: string; mention: boolean }[] = [];
  if (words.length === 0) return text === '' ? out : [{ text, mention: false }];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const word = text.charAt(i) === '@' ? words.find((w) => text.startsWith(w, i + 1)) : undefined;
    if (word === undefined) {
      plain += text.charAt(i);
      i += 1;
      continue;
    }
    if (plain) out.push({ text: plain, mention: false });
    plain = '';
    out.push({ text: `@${word}`, mention: true });
    i += word.length + 1;
  }
  if (plain) out.push({ text: plain, mention: false });
  return out;
}
