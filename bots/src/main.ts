import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createReportApi } from './hub-api.ts';
import { connectBot } from './hub-client.ts';
import { createReportBot } from './report-bot.ts';
import { createExtractiveSummariser, createLlmSummariser } from './summarise/index.ts';

/** `data/bot-token` at the repository root: where a freshly seeded demo hub leaves the bot's token. */
const DEFAULT_TOKEN_FILE = fileURLToPath(new URL('../../data/bot-token', import.meta.url));

/**
 * The briefing / report bot process. Environment:
 * HUB_URL (default http://127.0.0.1:$PORT or :3000), BOT_TOKEN, or BOT_TOKEN_FILE (default
 * data/bot-token, written by a demo hub on first start), REPORT_SCHEDULE_SECONDS (30),
 * LLM_BASE_URL / LLM_API_KEY / LLM_MODEL for an OpenAI-compatible summariser (optional).
 */
const env = process.env;
const hubUrl = env.HUB_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`;
const tokenFile = env.BOT_TOKEN_FILE ?? (env.DATA_DIR ? `${env.DATA_DIR.replace(/\/$/, '')}/bot-token` : DEFAULT_TOKEN_FILE);
const everyMs = Number(env.REPORT_SCHEDULE_SECONDS ?? 30) * 1000;

const log = {
  info: (fields: Record<string, unknown>, msg: string) => console.log(JSON.stringify({ level: 'info', time: Date.now(), module: 'report-bot', msg, ...fields })),
  warn: (fields: Record<string, unknown>, msg: string) => console.warn(JSON.stringify({ level: 'warn', time: Date.now(), module: 'report-bot', msg, ...fields })),
};

function readToken(): string | undefined {
  if (env.BOT_TOKEN) return env.BOT_TOKEN.trim();
  try {
    return readFileSync(tokenFile, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the hub (started beside it) and a token, then runs the bot until stopped. */
async function main(): Promise<void> {
  let connected: Awaited<ReturnType<typeof connectBot>> | undefined;
  for (let wait = 1000; !connected; wait = Math.min(wait * 2, 30_000)) {
    const token = readToken();
    if (token) {
      try {
        connected = await connectBot({ hubUrl, token });
        const extractive = createExtractiveSummariser();
        const summariser = env.LLM_BASE_URL
          ? createLlmSummariser({ baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY, model: env.LLM_MODEL ?? 'qwen2.5', timeoutMs: 20_000, fallback: extractive })
          : extractive;
        const bot = createReportBot({ socket: connected.socket, api: createReportApi({ hubUrl, token }), summariser, botUserId: connected.me.id, log });
        await bot.start();
        log.info({ hubUrl, bot: connected.me.id }, 'report bot running');
        let running = false;
        const tick = () => {
          if (running) return;
          running = true;
          bot
            .runSchedule()
            .then((r) => r.posted && log.info(r, 'scheduled reports posted'))
            .catch((err: unknown) => log.warn({ err: String(err) }, 'schedule pass failed'))
            .finally(() => (running = false));
        };
        tick();
        const timer = setInterval(tick, everyMs);
        const stop = () => {
          clearInterval(timer);
          void bot.idle().finally(() => {
            bot.stop();
            process.exit(0);
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return;
      } catch (err) {
        log.warn({ hubUrl, err: String(err) }, 'hub not reachable yet');
        connected = undefined;
      }
    } else log.warn({ tokenFile }, 'no bot token yet (set BOT_TOKEN or BOT_TOKEN_FILE)');
    await sleep(wait);
  }
}

void main();
