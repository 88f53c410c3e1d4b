import { z } from 'zod';

/** Push services of the browsers in use (Chrome/Edge, Firefox, Safari, Windows); a host matches itself or any subdomain. */
export const DEFAULT_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
];

/** Which push endpoints the hub will send to: https on a known push service; http only to hosts listed for tests. */
export interface EndpointPolicy {
  hosts: string[];
  /** Hosts reachable over plain http (a local test push service); empty in production. */
  insecureHosts: string[];
}

const list = (fallback: string[]) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? fallback
        : v
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean),
    );

/** The environment variables of Web Push and the escalation ladder (listed in the README). */
const pushEnv = z.object({
  VAPID_PUBLIC_KEY: z.string().min(80).max(100).optional(),
  VAPID_PRIVATE_KEY: z.string().min(40).max(50).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'mailto: or https: URL')
    .default('mailto:push@fengqiao.invalid'),
  PUSH_ENDPOINT_HOSTS: list(DEFAULT_PUSH_HOSTS),
  PUSH_INSECURE_HOSTS: list([]),
  PUSH_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  PUSH_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5000),
  PUSH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  LADDER_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
});

export interface PushConfig {
  vapid: { publicKey: string | undefined; privateKey: string | undefined; subject: string };
  endpoints: EndpointPolicy;
  /** How often each node looks for due outbox jobs (a node also sends right after queueing). */
  everyMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  concurrency: number;
  /** How often each node runs the escalation ladder. */
  ladderEveryMs: number;
}

/** Reads the push settings from the environment config.ts was given; throws with every problem listed. */
export function loadPushConfig(env: Record<string, string | undefined>): PushConfig {
  const parsed = pushEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY))
    throw new Error('invalid configuration:\n  VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together');
  return {
    vapid: { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT },
    endpoints: { hosts: e.PUSH_ENDPOINT_HOSTS, insecureHosts: e.PUSH_INSECURE_HOSTS },
    everyMs: e.PUSH_INTERVAL_MS,
    retryBaseMs: e.PUSH_RETRY_BASE_MS,
    maxAttempts: e.PUSH_MAX_ATTEMPTS,
    concurrency: e.PUSH_CONCURRENCY,
    ladderEveryMs: e.LADDER_INTERVAL_MS,
  };
}
