/** A sparse, L2-normalised term-weight vector. */
export type TermVector = Map<string, number>;

/** Inverse document frequency of every word over a set of word lists: ln(1 + N / df). */
export function inverseFrequencies(docs: readonly string[][]): Map<string, number> {
  const df = new Map<string, number>();
  for (const words of docs) for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [w, n] of df) idf.set(w, Math.log(1 + docs.length / n));
  return idf;
}

/** TF-IDF vectors for word lists, each normalised to unit length (empty lists give empty vectors). */
export function tfidfVectors(docs: readonly string[][], idf: ReadonlyMap<string, number>): TermVector[] {
  return docs.map((words) => {
    const v: TermVector = new Map();
    for (const w of words) v.set(w, (v.get(w) ?? 0) + 1);
    let norm = 0;
    for (const [w, tf] of v) {
      const x = tf * (idf.get(w) ?? 0);
      v.set(w, x);
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [w, x] of v) v.set(w, x / norm);
    return v;
  });
}

/** Cosine similarity of two unit vectors. */
export function cosine(a: TermVector, b: TermVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [w, x] of small) {
    const y = large.get(w);
    if (y !== undefined) dot += x * y;
  }
  return dot;
}

/**
 * TextRank's sentence similarity (Mihalcea & Tarau 2004) with words weighted by IDF: the
 * weight of the shared words over log lengths, so a two-word remark does not outrank the
 * sentence that states the matter just because its few words are common.
 */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>, idf: ReadonlyMap<string, number>): number {
  if (a.size < 2 || b.size < 2) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const w of small) if (large.has(w)) shared += idf.get(w) ?? 0;
  return shared / (Math.log(a.size) + Math.log(b.size));
}

/**
 * TextRank: PageRank over the graph whose edge weights `similarity(i, j)` gives (symmetric,
 * non-negative). A fixed number of iterations in a fixed order makes the scores identical run
 * to run.
 */
export function textRank(
  n: number,
  similarity: (i: number, j: number) => number,
  damping = 0.85,
  iterations = 30,
): number[] {
  if (n === 0) return [];
  const weights: Float64Array[] = Array.from({ length: n }, () => new Float64Array(n));
  const outSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const w = similarity(i, j);
      if (w <= 0) continue;
      weights[i]![j] = w;
      weights[j]![i] = w;
      outSum[i]! += w;
      outSum[j]! += w;
    }
  }
  let scores: number[] = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < iterations; it++) {
    // Mass on sentences that share no word with any other is spread evenly.
    let dangling = 0;
    for (let j = 0; j < n; j++) if (outSum[j] === 0) dangling += scores[j]!;
    const next: number[] = new Array<number>(n).fill((1 - damping + damping * dangling) / n);
    for (let j = 0; j < n; j++) {
      if (outSum[j] === 0) continue;
      const share = (damping * scores[j]!) / outSum[j]!;
      const row = weights[j]!;
      for (let i = 0; i < n; i++) if (row[i]! > 0) next[i]! += share * row[i]!;
    }
    scores = next;
  }
  return scores;
}
