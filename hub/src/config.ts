import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** `data/` at the repository root, wherever the hub is started from. */
const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/** Every setting the hub reads from the environment. Nothing else reads process.env. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_ORIGIN: z.string().url().optional(),
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  REDIS_CHANNEL_PREFIX: z.string().min(1).default('fengqiao'),
  FANOUT_PROBE_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(5000),
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(12),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  WEB_BUILD_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ID: z.string().optional(),
  MAX_SOCKET_PAYLOAD_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  ORDER_REMINDERS_BEFORE_ESCALATION: z.coerce.number().int().min(0).max(20).default(2),
  ORDER_REMINDER_INTERVAL_SECONDS: z.coerce.number().positive().default(120),
  ORDER_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  MESSAGE_RATE_STAFF_PER_MINUTE: z.coerce.number().positive().default(120),
  MESSAGE_RATE_RESIDENT_PER_MINUTE: z.coerce.number().positive().default(12),
  HOTLINE_RESPONSE_TARGET_MINUTES: z.coerce.number().positive().default(60),
  HOTLINE_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  LOGIN_THROTTLE_BASE_SECONDS: z.coerce.number().positive().default(30),
  REPORT_TIME_ZONE: z.string().min(1).default('Asia/Shanghai').refine(validTimeZone, 'an IANA time zone'),
  BRIEFING_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('07:30'),
});

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface HubConfig {
  port: number;
  host: string;
  /** Extra origins allowed for cookie-carrying requests besides the hub's own host. */
  publicOrigin: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Prefix of the adapter's pub/sub channels: hubs sharing it form one cluster. */
  redisChannelPrefix: string;
  /** How often each node sends itself a probe through Redis; a probe that does not return rebuilds the subscriber. */
  fanoutProbeEveryMs: number;
  /** Graceful stop: how long commands already running may take before the store closes anyway. */
  shutdownDrainMs: number;
  sessionIdleMs: number;
  /** auto: create the demo data when the store is empty; never: leave an empty store empty. */
  seedDemo: 'auto' | 'never';
  /** Folder of the SvelteKit adapter-node build; the hub mounts its handler when present. */
  webBuildDir: string | undefined;
  logLevel: string;
  nodeId: string;
  /** Largest JSON payload of one socket event; larger ones are answered payload_too_large. */
  maxSocketPayloadBytes: number;
  maxBodyBytes: number;
  /** First wait after five wrong passwords in a row; doubles with each further miss. */
  loginThrottleBaseS: number;
  /** Group message send rates (bursts of 30 for staff, 6 for residents). */
  messageRates: { staffPerMinute: number; staffBurst: number; residentPerMinute: number; residentBurst: number };
  /** Station-head hotline: the promised time to a first answer, and how often overdue threads are looked for. */
  hotline: { responseTargetMs: number; sweepEveryMs: number };
  /** The automatic chase of late orders: reminders, then escalation. */
  orderSweep: { remindersBeforeEscalation: number; reminderIntervalMs: number; claimLeaseMs: number; everyMs: number };
  /** Where report days start and when the morning briefing is due, unless a station sets its own. */
  reports: { timeZone: string; briefingTime: string };
}

/** Reads and validates the environment; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  // An empty variable means "not set", as shells and compose files often leave them.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicOrigin: e.PUBLIC_ORIGIN,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisChannelPrefix: e.REDIS_CHANNEL_PREFIX,
    fanoutProbeEveryMs: e.FANOUT_PROBE_INTERVAL_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    sessionIdleMs: e.SESSION_IDLE_HOURS * 3600_000,
    seedDemo: e.SEED_DEMO,
    webBuildDir: e.WEB_BUILD_DIR,
    logLevel: e.LOG_LEVEL,
    nodeId: e.NODE_ID ?? `hub-${process.pid}`,
    maxSocketPayloadBytes: e.MAX_SOCKET_PAYLOAD_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    loginThrottleBaseS: e.LOGIN_THROTTLE_BASE_SECONDS,
    messageRates: { staffPerMinute: e.MESSAGE_RATE_STAFF_PER_MINUTE, staffBurst: 30, residentPerMinute: e.MESSAGE_RATE_RESIDENT_PER_MINUTE, residentBurst: 6 },
    hotline: { responseTargetMs: Math.round(e.HOTLINE_RESPONSE_TARGET_MINUTES * 60_000), sweepEveryMs: e.HOTLINE_SWEEP_INTERVAL_MS },
    orderSweep: {
      remindersBeforeEscalation: e.ORDER_REMINDERS_BEFORE_ESCALATION,
      reminderIntervalMs: e.ORDER_REMINDER_INTERVAL_SECONDS * 1000,
      claimLeaseMs: 60_000,
      everyMs: e.ORDER_SWEEP_INTERVAL_MS,
    },
    reports: { timeZone: e.REPORT_TIME_ZONE, briefingTime: e.BRIEFING_TIME },
  };
}
