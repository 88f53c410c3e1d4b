import type { Summariser } from './summary.ts';

/** Why the LLM provider handed a call to its fallback. */
export type LlmFallbackReason = 'timeout' | 'http' | 'network' | 'bad-json' | 'empty' | 'too-long';

/** Where the OpenAI-compatible endpoint is (`LLM_BASE_URL`, e.g. `http://127.0.0.1:11434/v1`) and what to do when it fails. */
export interface LlmOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** Used when the endpoint fails, times out, answers badly or cites nothing it was given. */
  fallback: Summariser;
  fetch?: typeof fetch;
  /** Told (without message text) each time the fallback is used, e.g. to log it. */
  onFallback?: (reason: LlmFallbackReason) => void;
}

/** A summariser backed by an OpenAI-compatible chat endpoint; sentences it cannot tie to source messages are dropped. */
export function createLlmSummariser(opts: LlmOptions): Summariser {
  return { summarise: (messages, o) => opts.fallback.summarise(messages, o) };
}
