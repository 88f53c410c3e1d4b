import { check, fail } from 'k6';
import http from 'k6/http';

/** One logged-in account: its login and the `Cookie` header value for the websocket handshake. */
export interface SessionCookie {
  login: string;
  cookie: string;
}

/** The hub's session cookie (protocol/api.ts SESSION_COOKIE); a variable only for a renamed deployment. */
const SESSION_COOKIE = __ENV.HUB_SESSION_COOKIE ?? 'fq_session';

/** The Socket.IO websocket endpoint of a hub base URL. */
export const socketUrl = (hubUrl: string) => `${hubUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;

/**
 * Logins from HUB_ACCOUNTS (comma-separated) or HUB_ACCOUNT_PREFIX + HUB_ACCOUNT_COUNT (zero-padded
 * to HUB_ACCOUNT_DIGITS, e.g. loadtest0001 … loadtest5000): accounts made for the test.
 */
export function accountsFromEnv(): string[] {
  const listed = (__ENV.HUB_ACCOUNTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (listed.length) return listed;
  const prefix = __ENV.HUB_ACCOUNT_PREFIX ?? '';
  const count = Number(__ENV.HUB_ACCOUNT_COUNT ?? 0);
  const digits = Number(__ENV.HUB_ACCOUNT_DIGITS ?? 4);
  return prefix ? Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(digits, '0')}`) : [];
}

/** Logs each account in once (setup), so the run measures sockets, not argon2. Fails the run on a refused log-in. */
export function loginAll(hubUrl: string, logins: readonly string[], password: string): SessionCookie[] {
  if (logins.length === 0 || password === '')
    fail('set HUB_ACCOUNTS (or HUB_ACCOUNT_PREFIX and HUB_ACCOUNT_COUNT) and HUB_PASSWORD');
  return logins.map((login) => {
    const res = http.post(`${hubUrl}/api/auth/login`, JSON.stringify({ login, password }), {
      // Origin: the hub refuses cookie-setting writes from another origin.
      headers: { 'Content-Type': 'application/json', Origin: hubUrl },
      tags: { name: 'login' },
    });
    const value = res.cookies[SESSION_COOKIE]?.[0]?.value;
    check(res, { 'login: 200': (r) => r.status === 200, 'login: session cookie set': () => value !== undefined });
    if (value === undefined) fail(`log-in of ${login} failed with ${res.status}: ${res.body as string}`);
    return { login, cookie: `${SESSION_COOKIE}=${value}` };
  });
}
