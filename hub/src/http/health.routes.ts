import { Router } from 'express';
import { metricsGuard, sendMetrics } from './metrics-access.ts';
import type { Metrics } from './metrics.ts';

/**
 * /healthz: the process is up. /readyz: store and fan-out reachable. /metrics: Prometheus, to the
 * metrics token only.
 */
export function healthRoutes(deps: {
  pingStore: () => Promise<void>;
  fanout: { kind: string; healthy: () => Promise<boolean> };
  metrics: Metrics;
  nodeId: string;
  /** Bearer token for /metrics on this listener; without it /metrics is not served here. */
  metricsToken: string | undefined;
}) {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ ok: true, node: deps.nodeId });
  });
  r.get('/readyz', async (_req, res) => {
    const store = await deps.pingStore().then(() => true, () => false);
    const fanout = await deps.fanout.healthy().catch(() => false);
    const ready = store && fanout;
    res.status(ready ? 200 : 503).json({ ok: ready, node: deps.nodeId, store, fanout: { kind: deps.fanout.kind, reachable: fanout } });
  });
  r.get('/metrics', metricsGuard(deps.metricsToken), async (_req, res) => {
    await sendMetrics(deps.metrics, res);
  });
  return r;
}
