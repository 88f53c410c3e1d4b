/**
 * The bots' summariser: extractive and deterministic by default (Chinese word segmentation,
 * TextRank sentence ranking, MMR redundancy removal, every sentence citing its source messages),
 * with an optional provider for any OpenAI-compatible endpoint behind the same interface.
 *
 *   const extractive = createExtractiveSummariser();
 *   const summariser = process.env.LLM_BASE_URL
 *     ? createLlmSummariser({ baseUrl: process.env.LLM_BASE_URL, model, timeoutMs: 20_000, fallback: extractive })
 *     : extractive;
 *   const { sentences, topics } = await summariser.summarise(messages, { maxSentences: 5 });
 */
export type { SourceMessage, Summary, SummarySentence, Summariser, SummariseOptions, Topic } from './summary.ts';
export { createExtractiveSummariser, type ExtractiveOptions } from './extractive.summariser.ts';
export { createLlmSummariser, type LlmOptions, type LlmFallbackReason } from './llm.summariser.ts';
export { topTopics } from './topics.ts';
