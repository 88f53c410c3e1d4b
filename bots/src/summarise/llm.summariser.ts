import { chronological } from './sentences.ts';
import type { SourceMessage, Summariser, SummarySentence } from './summary.ts';
import { topTopics } from './topics.ts';

/** Why the LLM provider handed a call to its fallback. */
export type LlmFallbackReason = 'timeout' | 'http' | 'network' | 'bad-json' | 'empty' | 'too-long';

/** Where the OpenAI-compatible endpoint is (`LLM_BASE_URL`, e.g. `http://127.0.0.1:11434/v1`) and what to do when it fails. */
export interface LlmOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** The whole request, answer included, must finish within this; past it the fallback answers. */
  timeoutMs: number;
  /** Used when the endpoint fails, times out, answers badly or cites nothing it was given. */
  fallback: Summariser;
  fetch?: typeof fetch;
  /** Told (without message text) each time the fallback is used, e.g. to log it. */
  onFallback?: (reason: LlmFallbackReason) => void;
  /** Longer prompts are not sent (the fallback answers); default 24,000 characters. */
  maxInputChars?: number;
  /** Share of a sentence's character pairs that must occur in the messages it cites; default 0.5. */
  minSupport?: number;
  /** Topics per summary (counted locally, as the extractive summariser does); default 8. */
  maxTopics?: number;
}

/**
 * A summariser backed by an OpenAI-compatible chat endpoint (`POST {baseUrl}/chat/completions`).
 * The model sees the messages numbered and must answer JSON sentences citing those numbers. A
 * sentence is kept only if every number it cites was given and its wording is found in those
 * messages; anything else is dropped. Errors, timeouts, bad JSON or nothing left: the fallback
 * summarises instead. Aborting the caller's signal rejects, as with any summariser.
 */
export function createLlmSummariser(opts: LlmOptions): Summariser {
  const send = opts.fetch ?? fetch;
  const url = `${opts.baseUrl.replace(/\/+$/u, '')}/chat/completions`;
  return {
    async summarise(messages, call = {}) {
      call.signal?.throwIfAborted();
      if (messages.length === 0) return opts.fallback.summarise(messages, call);
      const ordered = chronological(messages);
      const maxSentences = call.maxSentences ?? 5;
      const prompt = ordered
        .map(
          (m, i) => `[${i + 1}] ${clock(m.createdAt)} ${m.senderName ?? m.senderId}：${m.text.replace(/\s+/gu, ' ')}`,
        )
        .join('\n');
      let outcome: SummarySentence[] | LlmFallbackReason = 'too-long';
      if (prompt.length <= (opts.maxInputChars ?? 24_000)) {
        const timeout = AbortSignal.timeout(opts.timeoutMs);
        const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
        try {
          const answer = await ask(send, url, opts, instructions(maxSentences), prompt, signal);
          outcome =
            typeof answer === 'string' ? answer : tie(answer, ordered, opts.minSupport ?? 0.5).slice(0, maxSentences);
          if (outcome.length === 0) outcome = 'empty';
        } catch {
          if (call.signal?.aborted) throw call.signal.reason;
          outcome = timeout.aborted ? 'timeout' : 'network';
        }
      }
      if (typeof outcome === 'string') {
        opts.onFallback?.(outcome);
        return opts.fallback.summarise(messages, call);
      }
      return { sentences: outcome, topics: topTopics(ordered, opts.maxTopics ?? 8), by: 'llm' };
    },
  };
}

/** What the model proposed, before its citations are checked. */
interface Proposed {
  text: string;
  sources: unknown[];
}

function instructions(maxSentences: number): string {
  return [
    '你是派出所指挥室的值班助手。下面是一个网格群的聊天记录，每条消息前有编号。',
    `请用不超过 ${maxSentences} 句话概括其中的事情、地点、人员和处理结果，按时间顺序。`,
    '只写消息里出现过的事实，尽量沿用原话，不要推测。每句话都要注明依据的消息编号。',
    '只输出 JSON，格式：{"sentences":[{"text":"……","sources":[1,2]}]}',
  ].join('\n');
}

async function ask(
  send: typeof fetch,
  url: string,
  opts: LlmOptions,
  system: string,
  prompt: string,
  signal: AbortSignal,
): Promise<Proposed[] | LlmFallbackReason> {
  const res = await send(url, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
    body: JSON.stringify({
      model: opts.model,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: prompt },
      ],
    }),
  });
  const raw = await res.text();
  if (!res.ok) return 'http';
  return parseAnswer(raw) ?? 'bad-json';
}

/** The sentences in a chat-completions answer, or undefined when it is not the JSON asked for. */
function parseAnswer(raw: string): Proposed[] | undefined {
  try {
    const body = JSON.parse(raw) as { choices?: { message?: { content?: unknown } }[] };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') return undefined;
    // Models wrap JSON in prose or code fences, and some answer the bare array.
    const start = content.search(/[[{]/u);
    if (start < 0) return undefined;
    const end = content.lastIndexOf(content[start] === '{' ? '}' : ']');
    if (end < start) return undefined;
    const parsed = JSON.parse(content.slice(start, end + 1)) as unknown;
    const sentences = Array.isArray(parsed) ? parsed : (parsed as { sentences?: unknown }).sentences;
    if (!Array.isArray(sentences)) return undefined;
    return sentences.filter(
      (s): s is Proposed =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as Proposed).text === 'string' &&
        Array.isArray((s as Proposed).sources),
    );
  } catch {
    return undefined;
  }
}

/**
 * Keeps the proposed sentences that can be tied to the input: every citation names a message
 * given (its number, or its id), and enough of the wording occurs in the cited messages.
 * Returned in the order of their earliest source.
 */
function tie(proposed: Proposed[], ordered: SourceMessage[], minSupport: number): SummarySentence[] {
  const byId = new Map(ordered.map((m, i) => [m.id, i]));
  const kept: { first: number; sentence: SummarySentence }[] = [];
  for (const p of proposed) {
    const text = p.text.trim();
    const cited = p.sources.map((s) => resolve(s, ordered.length, byId));
    if (!text || text.length > 300 || cited.length === 0 || cited.some((i) => i === undefined)) continue;
    const positions = [...new Set(cited as number[])].sort((a, b) => a - b);
    if (support(text, positions.map((i) => ordered[i]!.text).join('\n')) < minSupport) continue;
    kept.push({ first: positions[0]!, sentence: { text, sources: positions.map((i) => ordered[i]!.id) } });
  }
  return kept.sort((a, b) => a.first - b.first).map((k) => k.sentence);
}

/** Position of a cited message: 1-based number (as number or string), or a message id. */
function resolve(source: unknown, count: number, byId: ReadonlyMap<string, number>): number | undefined {
  if (typeof source === 'string' && byId.has(source)) return byId.get(source);
  const n =
    typeof source === 'number' ? source : typeof source === 'string' ? Number(source.replace(/^\[|\]$/gu, '')) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= count ? n - 1 : undefined;
}

/** Share of the sentence's character pairs (letters and digits only) that occur in the source text. */
function support(sentence: string, source: string): number {
  const pairs = bigrams(sentence);
  if (pairs.size === 0) return 0;
  const known = bigrams(source);
  let found = 0;
  for (const p of pairs) if (known.has(p)) found++;
  return found / pairs.size;
}

function bigrams(text: string): Set<string> {
  const chars = [...text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** Beijing wall-clock time (UTC+8) of an epoch-ms timestamp, as MM-DD HH:mm. */
function clock(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');
}
