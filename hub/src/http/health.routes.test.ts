import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestHub, type TestHub } from '../testing/index.ts';

describe('operations endpoints', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.close());

  it('/healthz says the process is up, with details of store, fan-out and sweeps', async () => {
    await t.hub.sweepOrders();
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({
      ok: true,
      store: { answers: true, writable: true, failure: null },
      fanout: { kind: 'memory', reachable: true },
      sweeps: { orders: { lastError: null }, hotline: { lastError: null } },
    });
  });

  it('/readyz reports the store (answers and takes a write) and the fan-out backend', async () => {
    const body = await readJson(await fetch(`${t.url}/readyz`));
    expect(body).toMatchObject({ ok: true, store: { answers: true, writable: true }, fanout: { kind: 'memory', reachable: true } });
    const probe = await t.hub.store.db.selectFrom('store_probes').selectAll().execute();
    expect(probe).toEqual([{ node: expect.any(String), at: expect.any(Number) }]);
  });

  it('/metrics exposes connections, events, HTTP and store timings in Prometheus text', async () => {
    await fetch(`${t.url}/api/auth/me`);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    for (const name of ['hub_socket_connections', 'hub_socket_events_in_total', 'hub_http_request_seconds_bucket', 'hub_store_query_seconds_bucket', 'hub_store_ready', 'hub_fanout_reachable']) {
      expect(text).toContain(name);
    }
  });

  it('sets security headers on every response', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('/readyz turns 503 when the store is gone', async () => {
    const other = await startTestHub();
    await other.hub.store.close();
    const res = await fetch(`${other.url}/readyz`);
    expect(res.status).toBe(503);
    expect((await readJson(res)).store).toMatchObject({ answers: false, writable: false });
    other.hub.store.close = async () => {};
    await other.close();
  });
});
