import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { LogFormat } from './logger.ts';

/** `data/bot-token` at the repository root: where a freshly seeded demo hub leaves the bot's token. */
const DEFAULT_TOKEN_FILE = fileURLToPath(new URL('../../data/bot-token', import.meta.url));

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

/** Every setting a bot process reads from the environment. Nothing else in bots/ reads process.env. */
const envSchema = z.object({
  HUB_URL: httpUrl.optional(),
  // The hub's port, shared with it under `pnpm start`: the default HUB_URL points there.
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  BOT_TOKEN: z.string().trim().optional(),
  BOT_TOKEN_FILE: z.string().optional(),
  DATA_DIR: z.string().optional(),
  REPORT_SCHEDULE_SECONDS: z.coerce.number().positive().max(86_400).default(30),
  LLM_BASE_URL: httpUrl.optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().trim().optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(20_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

/** An OpenAI-compatible endpoint for summaries; without one the extractive summariser is used. */
export interface LlmConfig {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
}

export interface BotConfig {
  hubUrl: string;
  /** A token given directly; else the bot reads `tokenFile`, again on each retry (a demo hub writes it late). */
  token: string | undefined;
  tokenFile: string;
  /** How often the report bot asks the hub what is due. */
  scheduleEveryMs: number;
  logLevel: string;
  /** json or pretty; unset: pretty when stdout is a terminal. */
  logFormat: LogFormat | undefined;
  llm: LlmConfig | undefined;
}

/** Reads and validates the environment; throws with every problem listed. */
export function loadBotConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  // A blank variable means "not set", as shells and compose files often leave them.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  // Checked on the raw values so it is listed beside the other problems, not only once they are fixed.
  if (given.LLM_BASE_URL !== undefined && given.LLM_MODEL === undefined) {
    problems.push('LLM_MODEL: required when LLM_BASE_URL is set');
  }
  if (!parsed.success || problems.length > 0) {
    throw new Error(`invalid bot configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    hubUrl: e.HUB_URL ?? `http://127.0.0.1:${e.PORT}`,
    token: e.BOT_TOKEN,
    tokenFile: e.BOT_TOKEN_FILE ?? (e.DATA_DIR ? join(e.DATA_DIR, 'bot-token') : DEFAULT_TOKEN_FILE),
    scheduleEveryMs: Math.round(e.REPORT_SCHEDULE_SECONDS * 1000),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    llm: e.LLM_BASE_URL
      ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL!, timeoutMs: e.LLM_TIMEOUT_MS }
      : undefined,
  };
}
