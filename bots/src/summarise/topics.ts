import type { SourceMessage, Topic } from './summary.ts';

/** The `n` terms discussed in the most messages (content words of two or more characters). */
export function topTopics(_messages: SourceMessage[], _n: number): Topic[] {
  return [];
}
