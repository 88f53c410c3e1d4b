import { readFileSync } from 'node:fs';
import { loadBotConfig, type BotConfig } from './config.ts';
import { createReportApi } from './hub-api.ts';
import { connectBot } from './hub-client.ts';
import { createLogger } from './logger.ts';
import { createReportBot } from './report-bot.ts';
import { createSummariserFromConfig } from './summarise/index.ts';

/** The briefing / report bot process; its settings are listed in `config.ts` and the README. */
let config: BotConfig;
try {
  config = loadBotConfig();
} catch (err) {
  // Before a logger exists: every problem, one a line, for the person starting the process.
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
const logger = createLogger(config.logLevel, config.logFormat);
const log = logger.child({ module: 'main' });

function readToken(): string | undefined {
  if (config.token) return config.token;
  try {
    return readFileSync(config.tokenFile, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the hub (started beside it) and a token, then runs the bot until stopped. */
async function main(): Promise<void> {
  const { hubUrl } = config;
  const summaryLog = logger.child({ module: 'summariser' });
  const summariser = createSummariserFromConfig(config.llm, (reason) => {
    summaryLog.warn({ reason }, 'llm summary fell back');
  });
  let connected: Awaited<ReturnType<typeof connectBot>> | undefined;
  for (let wait = 1000; !connected; wait = Math.min(wait * 2, 30_000)) {
    const token = readToken();
    if (token) {
      try {
        connected = await connectBot({ hubUrl, token });
        const bot = createReportBot({
          socket: connected.socket,
          api: createReportApi({ hubUrl, token }),
          summariser,
          botUserId: connected.me.id,
          log: logger.child({ module: 'report-bot' }),
        });
        await bot.start();
        let running = false;
        const tick = () => {
          if (running) return;
          running = true;
          bot
            .runSchedule()
            .then((r) => r.posted && log.info(r, 'scheduled reports posted'))
            .catch((err: unknown) => log.warn({ err }, 'schedule pass failed'))
            .finally(() => (running = false));
        };
        tick();
        const timer = setInterval(tick, config.scheduleEveryMs);
        const stop = () => {
          clearInterval(timer);
          void bot.idle().finally(() => {
            bot.stop();
            process.exit(0);
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        // Logged once a stop signal would be handled: whoever waits for this line may send one.
        log.info({ hubUrl, bot: connected.me.id, summariser: config.llm ? 'llm' : 'extractive' }, 'report bot running');
        return;
      } catch (err) {
        // Expected while the hub starts beside the bot: the reason without a stack on every retry.
        log.warn({ hubUrl, reason: String(err) }, 'hub not reachable yet');
        connected?.socket.close();
        connected = undefined;
      }
    } else log.warn({ tokenFile: config.tokenFile }, 'no bot token yet (set BOT_TOKEN or BOT_TOKEN_FILE)');
    await sleep(wait);
  }
}

process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
void main();
