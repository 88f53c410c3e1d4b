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

const HOUR = 3600_000;

/** Sockets whose credential ended after the handshake are closed, whichever way it ended. */
describe('credential keep-alive', () => {
  let t: TestHub;
  let officer: string;
  const open: TestSocket[] = [];
  const track = (s: TestSocket) => (open.push(s), s);

  beforeAll(async () => {
    t = await startTestHub();
    officer = await demoLogin(t.hub, 'officer');
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  const idleOut = (sessionId: string) =>
    t.hub.store.db
      .updateTable('sessions')
      .set({ last_verified_at: Date.now() - 13 * HOUR })
      .where('id', '=', sessionId)
      .execute();

  /** A signed-in socket, its session id, and promises of its revocation and disconnect. */
  async function openSession() {
    const session = await login(t.url, officer);
    const s = track(await connectSocket(t.url, { cookie: session.cookie }));
    const revoked = nextEvent<{ reason: string }>(s, 'session:revoked');
    const gone = nextEvent<string>(s, 'disconnect');
    // A session the test leaves open never sees either: its timeout is no failure unless awaited.
    for (const p of [revoked, gone]) p.catch(() => {});
    return { session, id: session.token.split('.')[0]!, revoked, gone, socket: s };
  }

  it('closes a socket whose session idled out, and the keep-alive does not bring the session back', async () => {
    const live = await openSession();
    const dead = await openSession();
    await idleOut(dead.id);
    await t.hub.realtime.checkCredentials();
    expect(await dead.revoked).toEqual({ reason: 'session_expired' });
    expect(await dead.gone).toBe('io server disconnect');
    expect((await fetch(`${t.url}/api/auth/me`, { headers: { cookie: dead.session.cookie } })).status).toBe(401);
    // The live session's socket still works: its answer is the sentinel that nothing closed it.
    expect(await live.socket.emitWithAck('system:ping', {})).toMatchObject({ ok: true });
  });

  it('closes a socket whose session was deleted elsewhere', async () => {
    const s = await openSession();
    await t.hub.store.db.deleteFrom('sessions').where('id', '=', s.id).execute();
    await t.hub.realtime.checkCredentials();
    expect(await s.revoked).toEqual({ reason: 'session_expired' });
    expect(await s.gone).toBe('io server disconnect');
  });

  it('closes the sockets of sessions the expiry sweep deletes', async () => {
    const s = await openSession();
    await idleOut(s.id);
    expect(await t.hub.sweepSessions()).toBeGreaterThanOrEqual(1);
    expect(await s.revoked).toEqual({ reason: 'session_expired' });
    expect(await s.gone).toBe('io server disconnect');
  });

  it('closes the sockets of a session found idled out when its token is next presented', async () => {
    const s = await openSession();
    await idleOut(s.id);
    const me = await fetch(`${t.url}/api/auth/me`, { headers: { cookie: s.session.cookie } });
    expect((await readJson(me)).error.code).toBe('session_expired');
    expect(await s.revoked).toEqual({ reason: 'session_expired' });
    expect(await s.gone).toBe('io server disconnect');
  });

  it('closes the sockets of an account disabled outside the admin route', async () => {
    const login2 = await demoLogin(t.hub, 'grid_worker');
    const session = await login(t.url, login2);
    const s = track(await connectSocket(t.url, { token: session.token, origin: null }));
    const revoked = nextEvent<{ reason: string }>(s, 'session:revoked');
    await t.hub.store.db
      .updateTable('users')
      .set({ disabled_at: Date.now() })
      .where('id', '=', session.body.me.id)
      .execute();
    await t.hub.realtime.checkCredentials();
    expect(await revoked).toEqual({ reason: 'account_disabled' });
  });

  it('closes a bot socket whose token was revoked outside the admin route', async () => {
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
        body: JSON.stringify({ botUserId: bot.id, name: 'keep-alive bot' }),
      }),
    );
    const s = track(await connectSocket(t.url, { token: issued.token, origin: null }));
    const revoked = nextEvent<{ reason: string }>(s, 'session:revoked');
    await t.hub.store.db
      .updateTable('bot_tokens')
      .set({ revoked_at: Date.now() })
      .where('id', '=', issued.id)
      .execute();
    await t.hub.realtime.checkCredentials();
    expect(await revoked).toEqual({ reason: 'token_revoked' });
  });

  it('reconnects the sockets of a person whose unit changed unseen (fan-out was down): the session stays', async () => {
    const moved = await openSession();
    const still = await openSession();
    const other = await login(t.url, await demoLogin(t.hub, 'dispatcher'));
    const bystander = track(await connectSocket(t.url, { cookie: other.cookie }));
    const me = (await readJson(await fetch(`${t.url}/api/auth/me`, { headers: { cookie: moved.session.cookie } }))).me;
    const elsewhere = await t.hub.store.db
      .selectFrom('units')
      .select('id')
      .where('kind', '=', 'squad')
      .where('id', '!=', me.unit.id)
      .executeTakeFirstOrThrow();
    // As if an administrator on another node moved the officer while Redis was down.
    await t.hub.store.db.updateTable('users').set({ unit_id: elsewhere.id }).where('id', '=', me.id).execute();
    const heard: string[] = [];
    moved.socket.on('session:revoked', () => heard.push('revoked'));
    await t.hub.realtime.checkCredentials();
    expect(await moved.gone).toBe('io server disconnect');
    expect(await still.gone).toBe('io server disconnect');
    expect(heard).toEqual([]);
    expect(await bystander.emitWithAck('system:ping', {})).toMatchObject({ ok: true });
    expect((await fetch(`${t.url}/api/auth/me`, { headers: { cookie: moved.session.cookie } })).status).toBe(200);
    await t.hub.store.db.updateTable('users').set({ unit_id: me.unit.id }).where('id', '=', me.id).execute();
  });
});

describe('credential keep-alive on its own timer (short SESSION_IDLE_HOURS)', () => {
  it('a session that idles out while its socket is open loses the socket at the next keep-alive', async () => {
    // 7.2 s idle period: the keep-alive runs every 1.8 s and slides the sessions of open sockets.
    const t = await startTestHub({ env: { SESSION_IDLE_HOURS: '0.002' } });
    try {
      const session = await login(t.url, await demoLogin(t.hub, 'officer'));
      const s = await connectSocket(t.url, { cookie: session.cookie });
      const revoked = nextEvent<{ reason: string }>(s, 'session:revoked');
      const id = session.token.split('.')[0]!;
      await t.hub.store.db
        .updateTable('sessions')
        .set({ last_verified_at: Date.now() - 60_000 })
        .where('id', '=', id)
        .execute();
      expect(await revoked).toEqual({ reason: 'session_expired' });
      s.close();
    } finally {
      await t.close();
    }
  });
});
