import type { IncomingHttpHeaders } from 'node:http';

/** What the origin check needs of a request or handshake: its headers, and whether it came over TLS. */
export interface OriginRequest {
  headers: IncomingHttpHeaders;
  secure: boolean;
}

/**
 * Same-origin test for cookie-carrying requests (HTTP writes and the socket handshake).
 * The whole origin counts (scheme, host and port), not only the host: `https://host` is another
 * site than `http://host`. With PUBLIC_ORIGIN configured (behind a proxy) that origin is the only
 * one; without it the hub's own origin is the request's scheme (TLS or not) and its Host.
 * Returns 'absent' when the client sent no Origin (bots, scripts: allowed only with a token).
 */
export function checkOrigin(req: OriginRequest, publicOrigin: string | undefined): 'same' | 'foreign' | 'absent' {
  const origin = req.headers.origin;
  if (!origin) {
    const site = req.headers['sec-fetch-site'];
    if (site === undefined) return 'absent';
    return site === 'same-origin' || site === 'none' ? 'same' : 'foreign';
  }
  const given = normalise(origin);
  const expected = normalise(publicOrigin ?? ownOrigin(req));
  return given !== undefined && given === expected ? 'same' : 'foreign';
}

/** The origin a browser would send for a page served by this request's own scheme and Host. */
function ownOrigin(req: OriginRequest): string | undefined {
  const host = req.headers.host;
  return host ? `${req.secure ? 'https' : 'http'}://${host}` : undefined;
}

/** Lower-cases and drops default ports (`http://Host:80` = `http://host`); garbage never matches. */
function normalise(origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}
