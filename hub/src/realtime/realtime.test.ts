import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  demoLogin,
  login,
  nextEvent,
  readJson,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

const METRICS_TOKEN = 'metrics-token-for-tests';

type ConnectError = Error & { data?: { code: string; message: string } };

async function refusal(p: Promise<TestSocket>): Promise<string | undefined> {
  try {
    const s = await p;
    s.close();
    return 'connected';
  } catch (err) {
    return (err as ConnectError).data?.code;
  }
}

/** The Socket.IO handshake and command pipeline, with real socket.io-client connections. */
describe('realtime', () => {
  let t: TestHub;
  let officer: string;
  const open: TestSocket[] = [];
  const track = (s: TestSocket) => (open.push(s), s);

  beforeAll(async () => {
    t = await startTestHub({ env: { METRICS_TOKEN } });
    officer = await demoLogin(t.hub, 'officer');
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  describe('handshake', () => {
    it('leaves /socket.io/ requests to engine.io alone: Express never answers them too', async () => {
      // Express times every request it handles; the first /metrics read is counted by the second.
      const handled = async () => {
        const text = await (
          await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        ).text();
        return [...text.matchAll(/^hub_http_request_seconds_count\{[^}]*\} (\d+)$/gm)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
      };
      const before = await handled();
      const polling = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`);
      expect(polling.status).toBe(200);
      expect(await polling.text()).toMatch(/^0\{"sid":/);
      expect(await handled()).toBe(before + 1);
    });

    it('refuses a socket without credentials', async () => {
      expect(await refusal(connectSocket(t.url))).toBe('unauthenticated');
      expect(await refusal(connectSocket(t.url, { origin: null }))).toBe('unauthenticated');
    });

    it('refuses forged and malformed tokens', async () => {
      for (const token of [
        `${'a'.repeat(24)}.${'b'.repeat(24)}`,
        'garbage',
        `fqb_${'c'.repeat(24)}.${'d'.repeat(40)}`,
      ]) {
        expect(await refusal(connectSocket(t.url, { token, origin: null }))).toBe('unauthenticated');
      }
    });

    it('refuses an expired session with session_expired', async () => {
      const { token } = await login(t.url, officer);
      const [id] = token.split('.');
      await t.hub.store.db
        .updateTable('sessions')
        .set({ last_verified_at: Date.now() - 13 * 3600_000 })
        .where('id', '=', id!)
        .execute();
      expect(await refusal(connectSocket(t.url, { cookie: `fq_session=${token}` }))).toBe('session_expired');
    });

    it('accepts the session cookie from its own origin', async () => {
      const { cookie, token } = await login(t.url, officer);
      const s = track(await connectSocket(t.url, { cookie }));
      const byToken = track(await connectSocket(t.url, { token, origin: null }));
      expect(s.connected && byToken.connected).toBe(true);
      // What a socket carries crosses Redis in fetchSockets(): never a password hash, never the
      // credential it presented (cookie or auth.token), never the whole person row.
      const server = await t.hub.realtime.io.fetchSockets();
      expect(server.length).toBeGreaterThan(1);
      for (const ss of server) {
        expect(JSON.stringify(ss.data)).not.toMatch(/argon2|password_hash|"login"|"phone"/);
        expect(JSON.stringify(ss.handshake)).not.toContain(token.split('.')[1]!);
      }
    });

    it('refuses a cross-origin handshake even with a valid cookie (WebSockets ignore CORS)', async () => {
      const { cookie } = await login(t.url, officer);
      expect(await refusal(connectSocket(t.url, { cookie, origin: 'https://evil.example' }))).toBe('origin_rejected');
      expect(await refusal(connectSocket(t.url, { cookie, origin: 'null' }))).toBe('origin_rejected');
    });

    it('compares the whole origin: the same host under another scheme or port is foreign', async () => {
      const { cookie } = await login(t.url, officer);
      const own = new URL(t.url);
      expect(await refusal(connectSocket(t.url, { cookie, origin: `https://${own.host}` }))).toBe('origin_rejected');
      expect(await refusal(connectSocket(t.url, { cookie, origin: `http://${own.hostname}:1` }))).toBe(
        'origin_rejected',
      );
      track(await connectSocket(t.url, { cookie, origin: `HTTP://${own.host.toUpperCase()}` }));
    });

    it('never accepts a cookie on a handshake without Origin', async () => {
      const { cookie } = await login(t.url, officer);
      expect(await refusal(connectSocket(t.url, { cookie, origin: null }))).toBe('unauthenticated');
    });

    it('accepts a session token or a bot token in auth.token from scripts without Origin', async () => {
      const { token } = await login(t.url, officer);
      track(await connectSocket(t.url, { token, origin: null }));
      const admin = await login(t.url, 'admin');
      const bot = await t.hub.store.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'bot')
        .executeTakeFirstOrThrow();
      const issued = await readJson(
        await fetch(`${t.url}/api/admin/bot-tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: t.url, cookie: admin.cookie },
          body: JSON.stringify({ botUserId: bot.id, name: 'test bot' }),
        }),
      );
      const s = track(await connectSocket(t.url, { token: issued.token, origin: null }));
      const res = await s.emitWithAck('system:ping', { echo: 'bot' });
      expect(res).toMatchObject({ ok: true, echo: 'bot' });
    });
  });

  describe('commands', () => {
    let s: TestSocket;
    beforeAll(async () => {
      const { cookie } = await login(t.url, officer);
      s = track(await connectSocket(t.url, { cookie }));
    });

    it('answers system:ping with the echo, the server time and the node', async () => {
      const before = Date.now();
      const res = await s.emitWithAck('system:ping', { echo: 'hello 你好' });
      if (!res.ok) throw new Error(res.error.message);
      expect(res.echo).toBe('hello 你好');
      expect(res.serverTime).toBeGreaterThanOrEqual(before);
      expect(res.node).toMatch(/^hub-/);
    });

    it('returns SQL- and script-looking text verbatim, as data', async () => {
      const hostile = `<script>alert('x')</script>'; DROP TABLE sessions; --`;
      expect(await s.emitWithAck('system:ping', { echo: hostile })).toMatchObject({ ok: true, echo: hostile });
    });

    it('rejects wrong payload types with validation_failed and names the field', async () => {
      const res = await s.emitWithAck('system:ping', { echo: 42 } as never);
      expect(res).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(!res.ok && res.error.issues?.[0]?.path).toBe('echo');
      const notAnObject = await s.emitWithAck('system:ping', 'just a string' as never);
      expect(notAnObject).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    });

    it('answers unknown events with unknown_event, through the ack or request:failed', async () => {
      const raw = s as unknown as { emitWithAck(ev: string, p: unknown): Promise<unknown> };
      expect(await raw.emitWithAck('order:launch-missiles', {})).toMatchObject({
        ok: false,
        error: { code: 'unknown_event' },
      });
      const failed = nextEvent<{ event: string; error: { code: string } }>(s, 'request:failed');
      (s as unknown as { emit(ev: string, p: unknown): void }).emit('nope:nothing', {});
      expect(await failed).toMatchObject({ event: 'nope:nothing', error: { code: 'unknown_event' } });
    });

    it('reports a failed command without ack through request:failed', async () => {
      const failed = nextEvent<{ event: string; error: { code: string } }>(s, 'request:failed');
      (s as unknown as { emit(ev: string, p: unknown): void }).emit('system:ping', { echo: ['x'] });
      expect(await failed).toMatchObject({ event: 'system:ping', error: { code: 'validation_failed' } });
    });

    it('answers a payload over the event limit with payload_too_large and keeps the connection', async () => {
      const res = await s.emitWithAck('system:ping', { echo: 'x'.repeat(100_000) });
      expect(res).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
      expect(await s.emitWithAck('system:ping', {})).toMatchObject({ ok: true });
    });

    it('closes a connection that sends a frame over the transport limit, and keeps serving others', async () => {
      const { cookie } = await login(t.url, officer);
      const big = track(await connectSocket(t.url, { cookie }));
      const closed = nextEvent<string>(big, 'disconnect');
      big.emit('system:ping', { echo: 'x'.repeat(2_000_000) }, () => {});
      expect(await closed).toBe('transport close');
      expect(await s.emitWithAck('system:ping', {})).toMatchObject({ ok: true });
    });

    it('tells staff who is online, and refuses residents', async () => {
      const me = await readJson(
        await fetch(`${t.url}/api/auth/me`, { headers: { cookie: (await login(t.url, officer)).cookie } }),
      );
      const res = await s.emitWithAck('presence:query', { userIds: [me.me.id, 'nobody'] });
      expect(res).toMatchObject({ ok: true, online: [me.me.id] });
      const resident = await login(t.url, await demoLogin(t.hub, 'resident'));
      const rs = track(await connectSocket(t.url, { cookie: resident.cookie }));
      expect(await rs.emitWithAck('presence:query', { userIds: [me.me.id] })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    });
  });

  describe('revocation', () => {
    it('closes the sockets of a session that logs out, and only that session', async () => {
      const a = await login(t.url, officer);
      const b = await login(t.url, officer);
      const sa = track(await connectSocket(t.url, { cookie: a.cookie }));
      const sb = track(await connectSocket(t.url, { cookie: b.cookie }));
      const revoked = nextEvent<{ reason: string }>(sa, 'session:revoked');
      const gone = nextEvent<string>(sa, 'disconnect');
      const out = await fetch(`${t.url}/api/auth/logout`, {
        method: 'POST',
        headers: { origin: t.url, cookie: a.cookie },
      });
      expect(out.status).toBe(200);
      expect(await revoked).toEqual({ reason: 'logged_out' });
      expect(await gone).toBe('io server disconnect');
      expect(sb.connected).toBe(true);
      expect(await refusal(connectSocket(t.url, { cookie: a.cookie }))).toBe('unauthenticated');
    });

    it('closes every socket of a disabled account', async () => {
      const loginName = await demoLogin(t.hub, 'dispatcher');
      const victim = await login(t.url, loginName);
      const s1 = track(await connectSocket(t.url, { cookie: victim.cookie }));
      const s2 = track(await connectSocket(t.url, { token: victim.token, origin: null }));
      const r1 = nextEvent<{ reason: string }>(s1, 'session:revoked');
      const d2 = nextEvent<string>(s2, 'disconnect');
      const admin = await login(t.url, 'admin');
      const res = await fetch(`${t.url}/api/admin/users/${victim.body.me.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', origin: t.url, cookie: admin.cookie },
        body: JSON.stringify({ disabled: true }),
      });
      expect(res.status).toBe(200);
      expect(await r1).toEqual({ reason: 'account_disabled' });
      expect(await d2).toBe('io server disconnect');
      expect(await refusal(connectSocket(t.url, { token: victim.token, origin: null }))).toBe('unauthenticated');
    });
  });
});
