import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one hub process, each registry separate so tests can run several hubs. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    /** Run before each scrape, on whichever listener serves it: gauges read from live state. */
    beforeScrape: [] as (() => Promise<void>)[],
    socketConnections: new Gauge({
      name: 'hub_socket_connections',
      help: 'Open Socket.IO connections on this node',
      registers: [registry],
    }),
    socketEvents: new Counter({
      name: 'hub_socket_events_in_total',
      help: 'Client commands handled, by event and outcome',
      labelNames: ['event', 'ok'],
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'hub_http_request_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    storeFailures: new Counter({
      name: 'hub_store_unavailable_errors_total',
      help: 'Queries that failed for the store itself (full or read-only disk, I/O, database gone), by code',
      labelNames: ['code'],
      registers: [registry],
    }),
    storeReady: new Gauge({
      name: 'hub_store_ready',
      help: '1 when the store answered and took a write at the last readiness check',
      registers: [registry],
    }),
    fanoutReachable: new Gauge({
      name: 'hub_fanout_reachable',
      help: "1 when this node's probe came back through the fan-out backend",
      registers: [registry],
    }),
    fanoutRebuilds: new Gauge({
      name: 'hub_fanout_subscriber_rebuilds',
      help: 'Redis subscriber connections rebuilt since start',
      registers: [registry],
    }),
    storeQueries: new Histogram({
      name: 'hub_store_query_seconds',
      help: 'Store query duration',
      labelNames: ['failed'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
