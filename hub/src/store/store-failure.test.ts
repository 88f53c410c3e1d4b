import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  firstGrid,
  login,
  readJson,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

/**
 * A full disk, made without root: SQLite's max_page_count caps the file where it stands, and every
 * write that needs a new page fails with SQLITE_FULL as it would on a full file system.
 */
const METRICS_TOKEN = 'metrics-token-for-tests';

describe('a store that has run out of space', () => {
  let t: TestHub;
  let s: TestSocket;
  let groupId: string;

  beforeAll(async () => {
    t = await startTestHub({ env: { MESSAGE_RATE_STAFF_PER_MINUTE: '1000000', METRICS_TOKEN } });
    let officerLogin: string;
    ({ groupId, officerLogin } = await firstGrid(t.hub));
    s = await connectSocket(t.url, { cookie: (await login(t.url, officerLogin)).cookie });
  });
  afterAll(async () => {
    s?.close();
    await t?.close();
  });

  it('answers store_unavailable (SQLITE_FULL, retry later) and stores nothing; readiness and metrics say so; a retry succeeds once space is back', async () => {
    const db = t.hub.store.db;
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count;
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);

    let refused: { clientId: string; error: { code: string; message: string; retryAfter?: number } } | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const clientId = `disk-full-${i}`;
      const res = await s.emitWithAck('message:send', { groupId, clientId, text: `满${i} ${'字'.repeat(900)}` });
      if (!res.ok) refused = { clientId, error: res.error };
    }
    expect(refused?.error).toMatchObject({ code: 'store_unavailable', retryAfter: expect.any(Number) });
    expect(refused!.error.message).toContain('SQLITE_FULL');
    const stored = await db.selectFrom('messages').select('id').where('client_id', '=', refused!.clientId).execute();
    expect(stored).toEqual([]);

    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await readJson(ready)).store).toMatchObject({
      answers: true,
      writable: false,
      failure: { code: 'SQLITE_FULL' },
    });
    expect((await readJson(await fetch(`${t.url}/healthz`))).store.failure.code).toBe('SQLITE_FULL');
    const metrics = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/hub_store_unavailable_errors_total\{code="SQLITE_FULL"\} [1-9]/);
    expect(metrics).toMatch(/hub_store_ready 0/);

    await sql.raw('pragma max_page_count = 1073741823').execute(db);
    const retried = await s.emitWithAck('message:send', { groupId, clientId: refused!.clientId, text: 'again' });
    expect(retried).toMatchObject({ ok: true });
    expect(
      await db.selectFrom('messages').select('id').where('client_id', '=', refused!.clientId).execute(),
    ).toHaveLength(1);
  });
});
