import type { LlmConfig } from '../config.ts';
import { createExtractiveSummariser } from './extractive.summariser.ts';
import { createLlmSummariser, type LlmFallbackReason } from './llm.summariser.ts';
import type { Summariser } from './summary.ts';

/**
 * The summariser a bot process should use: extractive, unless its configuration names an LLM
 * endpoint (`LLM_BASE_URL` and friends, see `loadBotConfig`); then the LLM provider with the
 * extractive one as its fallback.
 */
export function createSummariserFromConfig(
  llm: LlmConfig | undefined,
  onFallback?: (reason: LlmFallbackReason) => void,
): Summariser {
  const extractive = createExtractiveSummariser();
  if (!llm) return extractive;
  return createLlmSummariser({ ...llm, fallback: extractive, onFallback });
}
