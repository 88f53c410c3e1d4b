import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestHub, type TestHub } from '../../test-support/index.ts';

const METRICS_TOKEN = 'metrics-token-for-tests';

describe('operations endpoints', () => {
  let t: TestHub;
  let m: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
    m = await startTestHub({ env: { METRICS_TOKEN } });
  });
  afterAll(async () => {
    await t?.close();
    await m?.close();
  });

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
    expect(body).toMatchObject({
      ok: true,
      store: { answers: true, writable: true },
      fanout: { kind: 'memory', reachable: true },
    });
    const probe = await t.hub.store.db.selectFrom('store_probes').selectAll().execute();
    expect(probe).toEqual([{ node: expect.any(String), at: expect.any(Number) }]);
  });

  it('/metrics exposes connections, events, HTTP and store timings to the metrics token', async () => {
    await fetch(`${m.url}/api/auth/me`);
    const res = await fetch(`${m.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of [
      'hub_socket_connections',
      'hub_socket_events_in_total',
      'hub_http_request_seconds_bucket',
      'hub_store_query_seconds_bucket',
      'hub_store_ready',
      'hub_fanout_reachable',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('/metrics is refused without the token or with a wrong one, and not served at all when none is set', async () => {
    const tries: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-of-some-length' },
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of tries) {
      const res = await fetch(`${m.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('hub_');
    }
    const open = await fetch(`${t.url}/metrics`);
    expect(open.status).toBe(404);
    expect(await open.text()).not.toContain('hub_');
  });

  it('METRICS_PORT serves /metrics on a separate loopback listener, and only /metrics', async () => {
    const p = await startTestHub({ env: { METRICS_PORT: '0' } });
    try {
      expect(p.hub.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${p.hub.metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('hub_socket_connections');
      expect((await fetch(`${p.hub.metricsUrl}/healthz`)).status).toBe(404);
      expect((await fetch(`${p.url}/metrics`)).status).toBe(404);
    } finally {
      await p.close();
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
