import { Router } from 'express';
import type { Metrics } from './metrics.ts';

/** /healthz: the process is up. /readyz: store and fan-out reachable. /metrics: Prometheus. */
export function healthRoutes(deps: {
  pingStore: () => Promise<void>;
  fanout: { kind: string; healthy: () => Promise<boolean> };
  metrics: Metrics;
  nodeId: string;
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
  r.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}
