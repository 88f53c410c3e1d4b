import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { LogFormat } from './logger.ts';
import { loadPushConfig, type PushConfig } from './push-config.ts';
import { loadRetentionConfig, type RetentionConfig } from './retention-config.ts';

/** `data/` at the repository root, wherever the hub is started from. */
const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/**
 * Which @socket.io/redis-adapter carries fan-out between nodes: `classic` (PUBLISH, every node
 * hears every broadcast) or `sharded` (Redis 7 SPUBLISH; a room with members gets its own channel,
 * so a broadcast reaches only the nodes where that room has members).
 */
export type RedisAdapterMode = 'classic' | 'sharded';

/** Every setting the hub reads from the environment. Nothing else reads process.env. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_ORIGIN: z.string().url().optional(),
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  IMAGE_DIR: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  REDIS_CHANNEL_PREFIX: z.string().min(1).default('fengqiao'),
  REDIS_ADAPTER: z.enum(['classic', 'sharded']).default('classic'),
  FANOUT_PROBE_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(5000),
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(12),
  SEED_DEMO: z.enum(['demo', 'never']).default('never'),
  DEMO_HISTORY_DAYS: z.coerce.number().int().min(0).max(90).default(30),
  WEB_BUILD_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  MIGRATE: z.enum(['auto', 'never']).default('auto'),
  NODE_ID: z.string().optional(),
  MAX_SOCKET_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  MAX_SOCKETS_PER_PERSON: z.coerce.number().int().positive().default(20),
  MAX_SOCKETS_PER_BOT: z.coerce.number().int().positive().default(200),
  SOCKET_COMMANDS_IN_FLIGHT: z.coerce.number().int().positive().default(32),
  PERSON_COMMANDS_IN_FLIGHT: z.coerce.number().int().positive().default(64),
  SOCKET_READS_IN_FLIGHT: z.coerce.number().int().positive().default(8),
  PERSON_READS_IN_FLIGHT: z.coerce.number().int().positive().default(16),
  SIGNAL_RATE_PER_SECOND: z.coerce.number().positive().default(2),
  SIGNAL_BURST: z.coerce.number().int().positive().default(10),
  ORDER_REMINDERS_BEFORE_ESCALATION: z.coerce.number().int().min(0).max(20).default(2),
  ORDER_REMINDER_INTERVAL_SECONDS: z.coerce.number().positive().default(120),
  ORDER_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  MESSAGE_RATE_STAFF_PER_MINUTE: z.coerce.number().positive().default(120),
  MESSAGE_RATE_RESIDENT_PER_MINUTE: z.coerce.number().positive().default(12),
  HOTLINE_RESPONSE_TARGET_MINUTES: z.coerce.number().positive().default(60),
  HOTLINE_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  LOGIN_THROTTLE_BASE_SECONDS: z.coerce.number().positive().default(30),
  LOGIN_SOURCE_FAILURES_PER_HOUR: z.coerce.number().int().positive().default(50),
  LOGIN_SOURCE_FAILURES_PER_DAY: z.coerce.number().int().positive().default(200),
  LOGIN_ACCOUNT_FAILURES_PER_HOUR: z.coerce.number().int().positive().default(100),
  TRUST_PROXY: z.string().default('false'),
  REPORT_TIME_ZONE: z.string().min(1).default('Asia/Shanghai').refine(validTimeZone, 'an IANA time zone'),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  BRIEFING_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
    .default('07:30'),
});

/** `true`/`false`, a hop count, or Express's list form (`loopback`, `10.0.0.0/8, 127.0.0.1`). */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

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
  /** The origin browsers use (behind a proxy); when set, the only origin cookie-carrying requests may come from. */
  publicOrigin: string | undefined;
  dataDir: string;
  /** Folder of image files (conversations/image-files.ts, write-once, named by id); every node must share it, backups copy it after the database. */
  imageDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Prefix of the adapter's pub/sub channels: hubs sharing it form one cluster. */
  redisChannelPrefix: string;
  /** classic: PUBLISH, every node hears every broadcast; sharded: Redis 7 SPUBLISH, a channel per room in use. */
  redisAdapter: RedisAdapterMode;
  /** How often each node sends itself a probe through Redis; a probe that does not return rebuilds the subscriber. */
  fanoutProbeEveryMs: number;
  /** Graceful stop: how long commands already running may take before the store closes anyway. */
  shutdownDrainMs: number;
  sessionIdleMs: number;
  /** demo: create the demo data when the store is empty and list its log-ins; never (production): leave it empty. */
  seedDemo: 'demo' | 'never';
  /** Days of living history a fresh demo store gets (incidents, orders, chat, letters); 0 for none. */
  demoHistoryDays: number;
  /** Folder of the SvelteKit adapter-node build; the hub mounts its handler when present. */
  webBuildDir: string | undefined;
  logLevel: string;
  /** json or pretty; unset: pretty when stdout is a terminal (logger.ts). */
  logFormat: LogFormat | undefined;
  /** auto: bring the store's schema up to date at start; never: refuse to start while migrations are pending. */
  migrate: 'auto' | 'never';
  nodeId: string;
  /** Largest JSON payload of one socket event; larger ones are answered payload_too_large. */
  maxSocketPayloadBytes: number;
  maxBodyBytes: number;
  /** Per-node bounds on one socket and one person (see realtime/command-limits, connection-cap). */
  socketLimits: SocketLimits;
  /** First wait after five wrong passwords in a row; doubles with each further miss. */
  loginThrottleBaseS: number;
  /** Failed sign-ins allowed per source (all accounts) and per account (all untrusted sources). */
  loginLimits: { sourcePerHour: number; sourcePerDay: number; accountPerHour: number };
  /** Express `trust proxy`: which proxies' X-Forwarded-For names the client (false: none). */
  trustProxy: boolean | number | string;
  /** Group message send rates (bursts of 30 for staff, 6 for residents). */
  messageRates: { staffPerMinute: number; staffBurst: number; residentPerMinute: number; residentBurst: number };
  /** Station-head hotline: the promised time to a first answer, and how often overdue threads are looked for. */
  hotline: { responseTargetMs: number; sweepEveryMs: number };
  /** The automatic chase of late orders: reminders, then escalation. */
  orderSweep: { remindersBeforeEscalation: number; reminderIntervalMs: number; claimLeaseMs: number; everyMs: number };
  /**
   * /metrics: on the public listener only with `Authorization: Bearer <token>`; a port opens a
   * separate listener (on `host`, loopback by default) serving /metrics without a token.
   */
  metrics: { token: string | undefined; host: string; port: number | undefined };
  /** Where report days start and when the morning briefing is due, unless a station sets its own. */
  reports: { timeZone: string; briefingTime: string };
  /** Web Push and the escalation ladder (push-config.ts). */
  push: PushConfig;
  /** Retention periods and the daily sweep's time (retention-config.ts). */
  retention: RetentionConfig;
}

/** Bounds on what one connection, and one person's connections on this node, may hold or send. */
export interface SocketLimits {
  /** Open sockets of one person on this node; bot accounts have a cap of their own. */
  socketsPerPerson: number;
  socketsPerBot: number;
  /** Commands awaiting their answer: any command, then the expensive reads among them. */
  inFlightPerSocket: number;
  inFlightPerPerson: number;
  readsInFlightPerSocket: number;
  readsInFlightPerPerson: number;
  /** Ephemeral signals (typing, presence) per socket and per person: token buckets. */
  signalsPerSecond: number;
  signalBurst: number;
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
    imageDir: e.IMAGE_DIR ?? join(e.DATA_DIR, 'images'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisChannelPrefix: e.REDIS_CHANNEL_PREFIX,
    redisAdapter: e.REDIS_ADAPTER,
    fanoutProbeEveryMs: e.FANOUT_PROBE_INTERVAL_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    sessionIdleMs: e.SESSION_IDLE_HOURS * 3600_000,
    seedDemo: e.SEED_DEMO,
    demoHistoryDays: e.DEMO_HISTORY_DAYS,
    webBuildDir: e.WEB_BUILD_DIR,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    migrate: e.MIGRATE,
    nodeId: e.NODE_ID ?? `hub-${process.pid}`,
    maxSocketPayloadBytes: e.MAX_SOCKET_PAYLOAD_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    socketLimits: {
      socketsPerPerson: e.MAX_SOCKETS_PER_PERSON,
      socketsPerBot: e.MAX_SOCKETS_PER_BOT,
      inFlightPerSocket: e.SOCKET_COMMANDS_IN_FLIGHT,
      inFlightPerPerson: e.PERSON_COMMANDS_IN_FLIGHT,
      readsInFlightPerSocket: e.SOCKET_READS_IN_FLIGHT,
      readsInFlightPerPerson: e.PERSON_READS_IN_FLIGHT,
      signalsPerSecond: e.SIGNAL_RATE_PER_SECOND,
      signalBurst: e.SIGNAL_BURST,
    },
    loginThrottleBaseS: e.LOGIN_THROTTLE_BASE_SECONDS,
    loginLimits: {
      sourcePerHour: e.LOGIN_SOURCE_FAILURES_PER_HOUR,
      sourcePerDay: e.LOGIN_SOURCE_FAILURES_PER_DAY,
      accountPerHour: e.LOGIN_ACCOUNT_FAILURES_PER_HOUR,
    },
    trustProxy: trustProxy(e.TRUST_PROXY),
    messageRates: {
      staffPerMinute: e.MESSAGE_RATE_STAFF_PER_MINUTE,
      staffBurst: 30,
      residentPerMinute: e.MESSAGE_RATE_RESIDENT_PER_MINUTE,
      residentBurst: 6,
    },
    hotline: {
      responseTargetMs: Math.round(e.HOTLINE_RESPONSE_TARGET_MINUTES * 60_000),
      sweepEveryMs: e.HOTLINE_SWEEP_INTERVAL_MS,
    },
    orderSweep: {
      remindersBeforeEscalation: e.ORDER_REMINDERS_BEFORE_ESCALATION,
      reminderIntervalMs: e.ORDER_REMINDER_INTERVAL_SECONDS * 1000,
      claimLeaseMs: 60_000,
      everyMs: e.ORDER_SWEEP_INTERVAL_MS,
    },
    reports: { timeZone: e.REPORT_TIME_ZONE, briefingTime: e.BRIEFING_TIME },
    metrics: { token: e.METRICS_TOKEN, host: e.METRICS_HOST, port: e.METRICS_PORT },
    push: loadPushConfig(given),
    retention: loadRetentionConfig(given),
  };
}
