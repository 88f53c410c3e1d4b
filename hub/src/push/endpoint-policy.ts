import { errors } from '../errors.ts';
import type { EndpointPolicy } from '../push-config.ts';

export type { EndpointPolicy };

const matches = (host: string, allowed: string) => host === allowed || host.endsWith(`.${allowed}`);

/**
 * Refuses an endpoint the hub must not POST to: anything but https on a listed push service.
 * A subscription names a URL the hub will call; without this, any signed-in person could make the
 * hub send requests to addresses of their choosing.
 */
export function checkEndpoint(endpoint: string, policy: EndpointPolicy): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw errors.invalid('the push endpoint is not a URL');
  }
  const host = url.hostname.toLowerCase();
  if (url.username || url.password) throw errors.invalid('the push endpoint carries credentials');
  if (url.protocol === 'http:' && policy.insecureHosts.includes(host)) return;
  if (url.protocol !== 'https:') throw errors.invalid('the push endpoint must be https');
  if (!policy.hosts.some((h) => matches(host, h.toLowerCase())))
    throw errors.invalid('the push endpoint is not on a known push service');
}
