import { chronological, splitSentences, type Candidate } from './sentences.ts';
import { cosine, inverseFrequencies, overlap, textRank, tfidfVectors, type TermVector } from './textrank.ts';
import { topTopics } from './topics.ts';
import type { Summariser, Summary, SummarySentence } from './summary.ts';

/** Tuning for the extractive summariser; every field has a default. */
export interface ExtractiveOptions {
  /** Sentences per summary when the call does not say; default 5. */
  maxSentences?: number;
  /** Topics per summary; default 8. */
  maxTopics?: number;
  /** MMR trade-off between rank (1) and novelty (0); default 0.7. */
  lambda?: number;
  /** Extra words to ignore, on top of the built-in Chinese function words and chat noise. */
  stopWords?: Iterable<string>;
}

/** Cosine similarity at which two sentences say the same thing: one is shown, both are cited. */
const SAME = 0.8;
/** TextRank builds a dense graph; past this many candidates the rest are cut by closeness to the whole. */
const GRAPH_LIMIT = 800;
// The matter as first raised, its outcome, warnings and concrete facts (numbers, plates) are
// what a command room reads a summary for; they score higher than TextRank alone would give them.
const OUTCOME =
  /已经?(?:挪|找到|送|止付|冻结|解决|处理|调解|办结|化解|联系上|畅通)|找到了|挪走|送回|畅通|化解|办结|(?<!被)冻结了|和解/u;
const CUE = /已|解决|处理|调解|协商|回访|出警|到场|报警|警惕|提醒|注意|不要|切勿|严禁|核实|止付/u;
const FACT = /\d|[万千百]元/u;

/**
 * The default summariser: deterministic extraction. Messages are cut into sentences and
 * segmented (Intl.Segmenter), ranked by TextRank over IDF-weighted word overlap, picked by MMR
 * (TF-IDF cosine) so no two say the same thing, and returned in the order they were written.
 * Each sentence cites the message it came from and every message that said the same thing.
 */
export function createExtractiveSummariser(opts: ExtractiveOptions = {}): Summariser {
  const lambda = opts.lambda ?? 0.7;
  const maxTopics = opts.maxTopics ?? 8;
  const stops = new Set([...(opts.stopWords ?? [])].map((w) => w.toLowerCase()));
  return {
    async summarise(messages, call = {}): Promise<Summary> {
      call.signal?.throwIfAborted();
      const ordered = chronological(messages);
      const candidates = splitSentences(ordered, stops);
      call.signal?.throwIfAborted();
      const picked = pick(candidates, call.maxSentences ?? opts.maxSentences ?? 5, lambda);
      const position = new Map(ordered.map((m, i) => [m.id, i]));
      const sentences: SummarySentence[] = picked.map((c) => ({
        text: c.text,
        sources: [...c.messageIds].sort((a, b) => position.get(a)! - position.get(b)!),
      }));
      return { sentences, topics: topTopics(ordered, maxTopics, stops), by: 'extractive' };
    },
  };
}

/** The top sentences by TextRank and MMR, in input order, each carrying the ids of its near-duplicates. */
function pick(all: Candidate[], k: number, lambda: number): Candidate[] {
  if (all.length === 0 || k <= 0) return [];
  const idf = inverseFrequencies(all.map((c) => c.words));
  const allVectors = tfidfVectors(
    all.map((c) => c.words),
    idf,
  );
  const pool = shortlist(all, allVectors);
  const vectors = pool.map((i) => allVectors[i]!);
  const sets = pool.map((i) => new Set(all[i]!.words));
  const ranks = textRank(pool.length, (a, b) => overlap(sets[a]!, sets[b]!, idf));
  const top = Math.max(...ranks) || 1;
  const scores = pool.map((i, k) => ranks[k]! / top + bonus(all[i]!));
  const chosen: number[] = [];
  const left = new Set(pool.keys());
  while (chosen.length < k && left.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of left) {
      const redundancy = Math.max(0, ...chosen.map((j) => cosine(vectors[i]!, vectors[j]!)));
      const value = lambda * scores[i]! - (1 - lambda) * redundancy;
      // Pool indices rise with position, so strict > keeps the earlier sentence on a tie.
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    left.delete(best);
    const redundancy = Math.max(0, ...chosen.map((j) => cosine(vectors[best]!, vectors[j]!)));
    if (redundancy < SAME) chosen.push(best);
  }
  const picked = chosen.map((i) => pool[i]!).sort((a, b) => a - b);
  return picked.map((i) => withDuplicates(all, allVectors, i, picked));
}

/** Candidate indices (ascending) small enough for a dense graph: the ones closest to the centroid of all. */
function shortlist(all: Candidate[], vectors: TermVector[]): number[] {
  const indices = all.map((_, i) => i);
  if (all.length <= GRAPH_LIMIT) return indices;
  const centroid: TermVector = new Map();
  for (const v of vectors) for (const [w, x] of v) centroid.set(w, (centroid.get(w) ?? 0) + x);
  const closeness = vectors.map((v, i) => cosine(v, centroid) * (1 + bonus(all[i]!)));
  return indices
    .sort((a, b) => closeness[b]! - closeness[a]! || a - b)
    .slice(0, GRAPH_LIMIT)
    .sort((a, b) => a - b);
}

/** Added to a sentence's TextRank score (scaled so the best is 1). */
function bonus(c: Candidate): number {
  return (
    (c.lead ? 0.5 : 0) + (OUTCOME.test(c.text) ? 0.4 : CUE.test(c.text) ? 0.2 : 0) + (FACT.test(c.text) ? 0.15 : 0)
  );
}

/** The candidate with every message id of the other candidates that say the same thing and are closest to it among the picked. */
function withDuplicates(all: Candidate[], vectors: TermVector[], i: number, picked: number[]): Candidate {
  const ids = [...all[i]!.messageIds];
  for (let j = 0; j < all.length; j++) {
    if (j === i || picked.includes(j)) continue;
    const sim = cosine(vectors[i]!, vectors[j]!);
    if (sim < SAME) continue;
    const nearest = picked.reduce(
      (b, p) => (cosine(vectors[p]!, vectors[j]!) > cosine(vectors[b]!, vectors[j]!) ? p : b),
      i,
    );
    if (nearest !== i) continue;
    for (const id of all[j]!.messageIds) if (!ids.includes(id)) ids.push(id);
  }
  return { ...all[i]!, messageIds: ids };
}
