import type { Summariser } from './summary.ts';

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

/** The default summariser: deterministic extraction, each sentence citing the messages it came from. */
export function createExtractiveSummariser(_opts: ExtractiveOptions = {}): Summariser {
  return {
    summarise: () => Promise.reject(new Error('extractive summariser: being written (issue #6)')),
  };
}
