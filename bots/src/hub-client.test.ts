import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startTestHub, type TestHub } from '@fengqiao/hub/test-support';
import { connectBot } from './hub-client.ts';

describe('a bot signs in to the hub with its API token', () => {
  let t: TestHub;
  let token: string;
  beforeAll(async () => {
    t = await startTestHub();
    const admin = await login(t.url, 'admin');
    const bot = await t.hub.store.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'bot')
      .executeTakeFirstOrThrow();
    const res = await fetch(`${t.url}/api/admin/bot-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url, cookie: admin.cookie },
      body: JSON.stringify({ botUserId: bot.id, name: 'briefing' }),
    });
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(() => t?.close());

  it('over REST and the socket', async () => {
    const { me, socket } = await connectBot({ hubUrl: t.url, token });
    try {
      expect(me.role).toBe('bot');
      expect(await socket.emitWithAck('system:ping', { echo: 'bot' })).toMatchObject({ ok: true, echo: 'bot' });
    } finally {
      socket.close();
    }
  });

  it('and is refused with a clear reason when the token is wrong', async () => {
    await expect(connectBot({ hubUrl: t.url, token: `${token.slice(0, -4)}zzzz` })).rejects.toThrow(/unauthenticated/);
  });
});
