import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, demoLogin, login, nextEvent, startTestHub } from '../../test-support/index.ts';
import type { TestHub, TestSocket } from '../../test-support/index.ts';

type ConnectError = Error & { data?: { code: string; message: string } };

/** One person's open sockets are capped at the handshake; the cap holds under parallel handshakes. */
describe('sockets per person', () => {
  let t: TestHub;
  const open: TestSocket[] = [];
  beforeAll(async () => {
    t = await startTestHub({ env: { MAX_SOCKETS_PER_PERSON: '3' } });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  it('holds the cap under parallel handshakes on one cookie, refuses the rest, frees a place on close', async () => {
    const { cookie } = await login(t.url, await demoLogin(t.hub, 'officer'));
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => connectSocket(t.url, { cookie })));
    const connected = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    open.push(...connected);
    const refusals = attempts.flatMap((a) => (a.status === 'rejected' ? [(a.reason as ConnectError).data] : []));
    expect(connected).toHaveLength(3);
    expect(refusals).toHaveLength(17);
    for (const r of refusals) {
      expect(r).toEqual({ code: 'too_many_connections', message: expect.stringMatching(/at most 3/) });
    }

    // Another person is not affected.
    const other = await login(t.url, await demoLogin(t.hub, 'dispatcher'));
    open.push(await connectSocket(t.url, { cookie: other.cookie }));

    // A closed socket gives its place back (closed by the hub here, so the close is already done).
    const gone = nextEvent(connected[0]!, 'disconnect');
    t.hub.realtime.io.in(connected[0]!.id!).disconnectSockets(true);
    await gone;
    const again = await connectSocket(t.url, { cookie });
    open.push(again);
    expect(again.connected).toBe(true);
    await expect(connectSocket(t.url, { cookie })).rejects.toMatchObject({ data: { code: 'too_many_connections' } });
  });
});
