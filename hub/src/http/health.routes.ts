import { Router } from 'express';
import type { StoreHealth } from '../store/store-health.ts';
import { metricsGuard, sendMetrics } from './metrics-access.ts';
import type { Metrics } from './metrics.ts';

/** What the fan-out probe last found, for /healthz and the metrics. */
export interface FanoutStatus {
  /** A probe sent through Redis came back through the adapter's subscription. */
  reachable: boolean;
  /** When a probe last came back (ms since epoch); null before the first. */
  lastProbeOkAt: number | null;
  /** How often the subscriber connection was replaced because probes stopped coming back. */
  rebuilds: number;
}

/** What /healthz and the metrics read of the fan-out backend (realtime/adapter.ts provides it). */
export interface FanoutHealth {
  kind: 'memory' | 'redis';
  status(): FanoutStatus;
}

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
  fanout: FanoutHealth;
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
