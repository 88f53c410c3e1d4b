import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.ts';
import { apiNotFound, errorHandler } from './error-handler.ts';
import type { Metrics } from './metrics.ts';

export interface AppParts {
  log: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
  /** /healthz, /readyz, /metrics */
  health: express.Router;
  /** Middleware run on every /api request before the routes (origin guard, authentication). */
  apiGuards: RequestHandler[];
  /** Behind https: send HSTS (over plain http browsers ignore it, and it would mislead). */
  secure: boolean;
  /** Express `trust proxy`: only then is `req.ip` taken from X-Forwarded-For (sign-in limits key on it). */
  trustProxy?: boolean | number | string;
  /** Mounted under /api: path → router. */
  api: Record<string, express.Router>;
  /** The SvelteKit handler, when the web build is present. */
  web?: RequestHandler | undefined;
}

/** The Express app, without listening: tests drive it in process, main.ts gives it a port. */
export function createApp(parts: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', parts.trustProxy ?? false);
  // SvelteKit sets its own Content-Security-Policy (kit.csp); helmet covers the other headers.
  app.use(
    helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false, strictTransportSecurity: parts.secure }),
  );
  app.use(
    pinoHttp({
      logger: parts.log.child({ module: 'http' }),
      // Bodies, cookies and auth headers never reach the logs.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    const end = parts.metrics.httpRequests.startTimer({ method: req.method });
    res.once('finish', () => end({ status: String(res.statusCode) }));
    next();
  });
  app.use(parts.health);

  const api = express.Router();
  api.use(express.json({ limit: parts.maxBodyBytes, strict: true }));
  for (const guard of parts.apiGuards) api.use(guard);
  for (const [path, router] of Object.entries(parts.api)) api.use(path, router);
  api.use(apiNotFound);
  api.use(errorHandler(parts.log));
  app.use('/api', api);

  if (parts.web) app.use(parts.web);
  app.use(errorHandler(parts.log));
  return app;
}
