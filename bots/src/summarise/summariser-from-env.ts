import { createExtractiveSummariser } from './extractive.summariser.ts';
import { createLlmSummariser, type LlmFallbackReason } from './llm.summariser.ts';
import type { Summariser } from './summary.ts';

/**
 * The summariser a bot process should use, chosen from its environment: extractive unless
 * `LLM_BASE_URL` is set, then the LLM provider (`LLM_MODEL` required, `LLM_API_KEY` optional,
 * `LLM_TIMEOUT_MS` default 20,000) with the extractive one as its fallback. Throws on a
 * half-done configuration rather than silently running without the model.
 */
export function createSummariserFromEnv(
  env: Record<string, string | undefined> = process.env,
  onFallback?: (reason: LlmFallbackReason) => void,
): Summariser {
  const extractive = createExtractiveSummariser();
  const baseUrl = env.LLM_BASE_URL?.trim();
  if (!baseUrl) return extractive;
  if (!URL.canParse(baseUrl)) throw new Error('LLM_BASE_URL is not a URL');
  const model = env.LLM_MODEL?.trim();
  if (!model) throw new Error('LLM_BASE_URL is set but LLM_MODEL is not');
  const timeoutMs = env.LLM_TIMEOUT_MS ? Number(env.LLM_TIMEOUT_MS) : 20_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error('LLM_TIMEOUT_MS must be a positive whole number of milliseconds');
  return createLlmSummariser({ baseUrl, model, timeoutMs, apiKey: env.LLM_API_KEY || undefined, fallback: extractive, onFallback });
}
