import type { IncomingHttpHeaders } from 'node:http';

/**
 * Same-origin test for cookie-carrying requests (HTTP writes and the socket handshake):
 * the Origin must name the host the request came to, or the configured public origin.
 * Returns 'absent' when the client sent no Origin (bots, scripts: allowed only with a token).
 */
export function checkOrigin(headers: IncomingHttpHeaders, publicOrigin: string | undefined): 'same' | 'foreign' | 'absent' {
  const origin = headers.origin;
  if (!origin) {
    const site = headers['sec-fetch-site'];
    if (site === undefined) return 'absent';
    return site === 'same-origin' || site === 'none' ? 'same' : 'foreign';
  }
  if (publicOrigin && origin === publicOrigin) return 'same';
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'foreign';
  }
  return host === headers.host ? 'same' : 'foreign';
}
