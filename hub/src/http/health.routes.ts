import { Router } from 'express';
import type { FanoutBackend } from '../realtime/adapter.ts';
import type { StoreHealth } from '../store/store-health.ts';
import { metricsGuard, sendMetrics } from './metrics-access.ts';
import type { Metrics } from './metrics.ts';

/** When each background sweep last finished, and how. */
export type SweepStatus = Record<string, { lastRunAt: number | null; lastError: string | null }>;

/**
 * /healthz: the process is up, with details (store, fan-out, sweeps). /readyz: this node can serve
 * its own clients, which needs its store answering and writable, not Redis: a Redis outage would
 * otherwise take every node out of the load balancer at once. /metrics: Prometheus, to the
 * metrics token only (or on the private metrics listener).
 */
export function healthRoutes(deps: {
  storeHealth: () => Promise<StoreHealth>;
  fanout: Pick<FanoutBackend, 'kind' | 'status'>;
  sweeps: () => SweepStatus;
  metrics: Metrics;
  nodeId: string;
  /** Bearer token for /metrics on this listener; without it /metrics is not served here. */
  metricsToken: string | undefined;
}) {
  const r = Router();
  const fanoutDetails = () => ({ kind: deps.fanout.kind, ...deps.fanout.status() });
  const storeReady = async () => {
    const store = await deps.storeHealth();
    const ready = store.answers && store.writable;
    deps.metrics.storeReady.set(ready ? 1 : 0);
    return { store, ready };
  };
  r.get('/healthz', async (_req, res) => {
    const { store } = await storeReady();
    res.json({ ok: true, node: deps.nodeId, store, fanout: fanoutDetails(), sweeps: deps.sweeps() });
  });
  r.get('/readyz', async (_req, res) => {
    const { store, ready } = await storeReady();
    res.status(ready ? 200 : 503).json({ ok: ready, node: deps.nodeId, store, fanout: fanoutDetails() });
  });
  deps.metrics.beforeScrape.push(async () => {
    const fanout = deps.fanout.status();
    deps.metrics.fanoutReachable.set(fanout.reachable ? 1 : 0);
    deps.metrics.fanoutRebuilds.set(fanout.rebuilds);
    await storeReady();
  });
  r.get('/metrics', metricsGuard(deps.metricsToken), async (_req, res) => {
    await sendMetrics(deps.metrics, res);
  });
  return r;
}
