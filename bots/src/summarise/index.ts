/**
 * The bots' summariser: extractive and deterministic by default (Chinese word segmentation,
 * TextRank sentence ranking, MMR redundancy removal, every sentence citing its source messages),
 * with an optional provider for any OpenAI-compatible endpoint behind the same interface.
 *
 *   // extractive, or the LLM provider when LLM_BASE_URL (+ LLM_MODEL, LLM_API_KEY, LLM_TIMEOUT_MS) is set
 *   const onFallback = (reason: LlmFallbackReason) => log.warn({ reason }, 'llm summary fell back');
 *   const summariser = createSummariserFromConfig(loadBotConfig().llm, onFallback);
 *   const { sentences, topics } = await summariser.summarise(messages, { maxSentences: 5 });
 *   // sentences[i].sources: ids of the messages sentence i was taken from, to link back to them
 *
 * Hand it text messages only (no recalled or removed ones); the order does not matter.
 */
export type { SourceMessage, Summary, SummarySentence, Summariser, SummariseOptions, Topic } from './summary.ts';
export { createExtractiveSummariser, type ExtractiveOptions } from './extractive.summariser.ts';
export { createLlmSummariser, type LlmOptions, type LlmFallbackReason } from './llm.summariser.ts';
export { createSummariserFromConfig } from './summariser-from-config.ts';
export { topTopics } from './topics.ts';
export { nameForms, nameMask } from './people-names.ts';
