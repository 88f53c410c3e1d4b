import type { NextFunction, Request, Response } from 'express';
import { HubError, errors, failure, toHubError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Body-parser failures arrive as plain errors with a `type`; give them the protocol's codes. */
function fromBodyParser(err: unknown): HubError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new HubError('bad_json', 'the body is not valid JSON');
  if (type === 'entity.too.large') return errors.tooLarge((err as { limit: number }).limit);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return new HubError('bad_json', 'unsupported body encoding');
  return undefined;
}

/** Express decodes path parameters with decodeURIComponent: malformed percent-encoding throws URIError. */
function fromPathDecoding(err: unknown): HubError | undefined {
  return err instanceof URIError ? errors.invalid('the path has malformed percent-encoding') : undefined;
}

/** The one place errors become HTTP responses: `{ ok: false, error: { code, message } }` with a fitting status. */
export function errorHandler(log: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = fromBodyParser(err) ?? fromPathDecoding(err) ?? toHubError(err);
    if (e.code === 'internal') log.error({ err: e.cause ?? e }, 'request failed');
    if (e.retryAfter !== undefined) res.setHeader('Retry-After', String(e.retryAfter));
    if (res.headersSent) return;
    res.status(e.status).json(failure(e));
  };
}

/** Unknown /api paths answer JSON, not the web app's HTML. */
export function apiNotFound(_req: Request, _res: Response, next: NextFunction) {
  next(errors.notFound('route'));
}
