import { contentRuns } from './segment.ts';
import { chronological } from './sentences.ts';
import type { SourceMessage, Topic } from './summary.ts';

const HAS_LETTER = /[\p{Script=Han}A-Za-z]/u;
// Verb phrases the segmenter keeps whole (停了, 看过, 等着) are not topics.
const ASPECT_END = /[了过着]$/u;
/** Two words become one term when they stand together in at least this share of the messages using the rarer one. */
const TOGETHER = 0.6;
const MAX_TERM_CHARS = 8;
const NUMBER = /^\d+$/u;

/**
 * The `n` terms discussed in the most messages: content words of two or more characters, not
 * bare numbers, each counted once per message. Words the segmenter splits but the messages keep
 * together (纺织|厂|宿舍, 菜|市场) count as one term. Ties go to the term mentioned first (in
 * time), then by code point, so the order is the same on every run whatever the input order.
 */
export function topTopics(messages: readonly SourceMessage[], n: number, extraStops?: ReadonlySet<string>): Topic[] {
  const perMessage = chronological(messages).map((m) => contentRuns(m.text, extraStops));
  const joined = collocations(perMessage);
  const counts = new Map<string, { count: number; first: number }>();
  let position = 0;
  for (const runs of perMessage) {
    for (const term of new Set(runs.flatMap((run) => joinRun(run, joined)))) {
      position++;
      if ([...term].length < 2 || !HAS_LETTER.test(term) || ASPECT_END.test(term)) continue;
      const seen = counts.get(term);
      if (seen) seen.count++;
      else counts.set(term, { count: 1, first: position });
    }
  }
  return [...counts]
    .sort(([ta, a], [tb, b]) => b.count - a.count || a.first - b.first || (ta < tb ? -1 : ta > tb ? 1 : 0))
    .slice(0, Math.max(0, n))
    .map(([term, { count }]) => ({ term, count }));
}

/** Adjacent word pairs (`a\u0000b`, no bare numbers) seen together in two or more messages and in most messages using either word. */
function collocations(perMessage: string[][][]): Set<string> {
  const words = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const runs of perMessage) {
    for (const w of new Set(runs.flat())) words.set(w, (words.get(w) ?? 0) + 1);
    const seen = new Set<string>();
    for (const run of runs) for (let i = 0; i + 1 < run.length; i++) seen.add(`${run[i]}\u0000${run[i + 1]}`);
    for (const p of seen) pairs.set(p, (pairs.get(p) ?? 0) + 1);
  }
  const joined = new Set<string>();
  for (const [p, count] of pairs) {
    const [a, b] = p.split('\u0000') as [string, string];
    if (NUMBER.test(a) || NUMBER.test(b)) continue;
    if (count >= 2 && count >= TOGETHER * Math.min(words.get(a)!, words.get(b)!)) joined.add(p);
  }
  return joined;
}

/** A run of words with every joined pair merged, left to right, into terms of at most MAX_TERM_CHARS. */
function joinRun(run: string[], joined: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let term = run[0] ?? '';
  for (let i = 1; i < run.length; i++) {
    const next = run[i]!;
    if (joined.has(`${run[i - 1]}\u0000${next}`) && term.length + next.length <= MAX_TERM_CHARS) term += next;
    else {
      out.push(term);
      term = next;
    }
  }
  if (term) out.push(term);
  return out;
}
