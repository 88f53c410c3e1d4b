import { contentWords, stripPlaceholders } from './segment.ts';
import type { SourceMessage } from './summary.ts';

/**
 * A sentence that may go into a summary: its text, the messages that said it, its content words.
 * Candidates come in the order they were first said; that position is the tie-break everywhere.
 */
export interface Candidate {
  text: string;
  messageIds: string[];
  words: string[];
  /** The fullest sentence of the first message of its group that says anything: where a grid group states its matter. */
  lead: boolean;
}

/** Sentences shorter than this many content words are chat noise (收到, 好的谢谢). */
const MIN_WORDS = 2;
/** Longer sentences are cut at a comma, and past MAX_CHARS trimmed. */
const SOFT_CHARS = 60;
const MAX_CHARS = 120;

const END = /(?<=[。！？!?；;…\n])/u;
const COMMA = /(?<=[，,、：:])/u;
const MENTION = /@\S{1,16}\s/gu;
const URL = /https?:\/\/\S+/gu;
const EDGE = /^[\s，,、：:。；;~～\-—]+|[\s，,、：:；;~～\-—]+$/gu;

/**
 * Messages in the order they were written: time, then group and sequence, then id. Throws a
 * TypeError naming the first message that is not a SourceMessage (the summary would otherwise
 * cite garbage); a message given twice (same id) is kept once.
 */
export function chronological(messages: readonly SourceMessage[]): SourceMessage[] {
  if (!Array.isArray(messages)) throw new TypeError('summarise: messages must be an array');
  const byId = new Map<string, SourceMessage>();
  messages.forEach((m, i) => {
    const ok =
      typeof m === 'object' &&
      m !== null &&
      typeof m.id === 'string' &&
      m.id !== '' &&
      typeof m.groupId === 'string' &&
      typeof m.text === 'string' &&
      Number.isFinite(m.createdAt) &&
      Number.isFinite(m.seq);
    if (!ok)
      throw new TypeError(`summarise: message ${i} needs a string id, groupId and text, and numeric seq and createdAt`);
    if (!byId.has(m.id)) byId.set(m.id, m);
  });
  return [...byId.values()].sort(
    (a, b) =>
      a.createdAt - b.createdAt ||
      (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0) ||
      a.seq - b.seq ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Cuts chronological messages into candidate sentences. Mentions, links, emoji and placeholders
 * are dropped, noise sentences skipped, and a sentence said again word for word becomes one
 * candidate citing every message that said it.
 */
export function splitSentences(messages: readonly SourceMessage[], extraStops?: ReadonlySet<string>): Candidate[] {
  const byKey = new Map<string, Candidate>();
  const out: Candidate[] = [];
  const leads = new Map<string, Candidate>();
  for (const m of messages) {
    for (const text of sentencesOf(m.text, extraStops)) {
      const words = contentWords(text, extraStops);
      if (words.length < MIN_WORDS) continue;
      const key = text.replace(/[^\p{L}\p{N}]/gu, '');
      const seen = byKey.get(key);
      if (seen) {
        if (!seen.messageIds.includes(m.id)) seen.messageIds.push(m.id);
        continue;
      }
      const c: Candidate = { text, messageIds: [m.id], words, lead: false };
      byKey.set(key, c);
      out.push(c);
      // The lead is the fullest sentence of the first message in each group that gave a candidate.
      const lead = leads.get(m.groupId);
      if (!lead) leads.set(m.groupId, c);
      else if (lead.messageIds[0] === m.id && words.length > lead.words.length) leads.set(m.groupId, c);
    }
  }
  for (const c of leads.values()) c.lead = true;
  return out;
}

function sentencesOf(raw: string, extraStops?: ReadonlySet<string>): string[] {
  const text = stripPlaceholders(raw.replace(URL, ' ').replace(MENTION, ' '));
  const out: string[] = [];
  for (const sentence of text.split(END)) {
    for (const piece of sentence.length > SOFT_CHARS ? packClauses(sentence.split(COMMA)) : [sentence]) {
      const t = dropNoiseOpening(piece, extraStops).replace(EDGE, '').replace(/\s+/gu, ' ');
      if (t) out.push(t.length > MAX_CHARS ? `${t.slice(0, MAX_CHARS - 1)}…` : t);
    }
  }
  return out;
}

/** Drops opening clauses that carry no content word: "收到，我马上过去" becomes "我马上过去". */
function dropNoiseOpening(sentence: string, extraStops?: ReadonlySet<string>): string {
  const clauses = sentence.split(COMMA);
  let i = 0;
  while (i < clauses.length - 1 && contentWords(clauses[i]!, extraStops).length === 0) i++;
  return clauses.slice(i).join('');
}

/** Joins clauses back into pieces of at most SOFT_CHARS, so a long sentence splits at commas only. */
function packClauses(clauses: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of clauses) {
    if (cur && cur.length + c.length > SOFT_CHARS) {
      out.push(cur);
      cur = '';
    }
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}
