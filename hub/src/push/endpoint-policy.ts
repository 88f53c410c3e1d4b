import { errors } from '../errors.ts';

/** Push services of the browsers in use (Chrome/Edge, Firefox, Safari, Windows); a host matches itself or any subdomain. */
export const DEFAULT_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
];

/** Which push endpoints the hub will send to: https on a known push service; http only to hosts listed for tests. */
export interface EndpointPolicy {
  hosts: string[];
  /** Hosts reachable over plain http (a local test push service); empty in production. */
  insecureHosts: string[];
}

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
