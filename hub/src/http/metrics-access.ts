import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { errors } from '../errors.ts';
import type { Metrics } from './metrics.ts';

/**
 * Who may read /metrics on the public listener: only a scraper presenting METRICS_TOKEN as a
 * Bearer token. Without a token configured the public listener does not serve /metrics at all
 * (404): loopback is no proof of privacy, since a proxy on the same machine forwards strangers from
 * 127.0.0.1. Scrapers then use the private listener (METRICS_PORT) instead.
 */
export function metricsGuard(token: string | undefined) {
  const digest = (secret: string) => createHash('sha256').update(secret).digest();
  // Compared as hashes, so equal lengths and constant time whatever was presented.
  const expected = token === undefined ? undefined : digest(token);
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!expected) return next(errors.notFound('route'));
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? digest(header.slice(7).trim()) : undefined;
    const ok = given !== undefined && timingSafeEqual(given, expected);
    next(ok ? undefined : errors.unauthenticated('metrics need the metrics token'));
  };
}

/** Writes the Prometheus text of the hub's registry. */
export async function sendMetrics(
  metrics: Metrics,
  res: { setHeader(k: string, v: string): unknown; end(body: string): unknown },
): Promise<void> {
  // A refresh that fails (the store is down) leaves its gauges as they were: the scrape still
  // answers, with hub_store_ready saying why.
  await Promise.allSettled(metrics.beforeScrape.map((refresh) => refresh()));
  res.setHeader('content-type', metrics.registry.contentType);
  res.end(await metrics.registry.metrics());
}

/**
 * A separate listener that serves only GET /metrics, meant for a private address (METRICS_HOST,
 * loopback by default) that the public proxy does not reach.
 */
export async function startMetricsServer(
  metrics: Metrics,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      sendMetrics(metrics, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
