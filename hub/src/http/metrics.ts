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
    fanoutLatency: new Histogram({
      name: 'hub_fanout_latency_seconds',
      help: 'From the persisted time of a message or order to its emit by this node (local sockets and adapter)',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    eventsOut: new Counter({
      name: 'hub_events_out_total',
      help: 'Events this node emitted to clients, by event: one per emit, however many sockets it reached',
      labelNames: ['event'],
      registers: [registry],
    }),
    syncItems: new Histogram({
      name: 'hub_sync_items',
      help: 'Items in one sync answer (messages and edits, or assignments), by kind',
      labelNames: ['kind'],
      buckets: [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
    sweepLag: new Histogram({
      name: 'hub_sweep_lag_seconds',
      help: 'How late the oldest due item was when a sweep pass handled it (now minus its due time)',
      labelNames: ['sweep'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    }),
    sweepRuns: new Counter({
      name: 'hub_sweep_runs_total',
      help: 'Sweep passes on this node, by sweep and outcome',
      labelNames: ['sweep', 'outcome'],
      registers: [registry],
    }),
    sweepLastSuccess: new Gauge({
      name: 'hub_sweep_last_success_timestamp_seconds',
      help: 'When a pass of this sweep last finished without error on this node, or the start (Unix time)',
      labelNames: ['sweep'],
      registers: [registry],
    }),
    sweepInterval: new Gauge({
      name: 'hub_sweep_interval_seconds',
      help: 'Configured time between passes of this sweep (the alert on lag compares against it)',
      labelNames: ['sweep'],
      registers: [registry],
    }),
    pushOutboxDepth: new Gauge({
      name: 'hub_push_outbox_depth',
      help: 'Jobs waiting in the notification outbox, by channel and state (new: never tried; retry: failed before)',
      labelNames: ['channel', 'state'],
      registers: [registry],
    }),
    pushSends: new Counter({
      name: 'hub_push_sends_total',
      help: 'Notification send attempts by channel and outcome (sent, gone, dropped, retry)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
