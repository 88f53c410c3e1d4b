import type { OutgoingHttpHeaders } from 'node:http';
import type { HubServer } from './types.ts';

/**
 * Names the node that holds a client's engine session. A reverse proxy in front of several hubs
 * routes by it (deploy/nginx/fengqiao.conf maps `$cookie_fq_node` to this node's upstream), so the
 * separate HTTP requests of a long-polling client all reach the node that knows its session id,
 * even when every client sits behind one NAT address (where ip_hash would put them all on one node).
 */
export const NODE_COOKIE = 'fq_node';

/** The cookie's header value: not secret, HttpOnly all the same; a session cookie (no expiry). */
export function nodeCookie(nodeId: string, secure: boolean): string {
  return `${NODE_COOKIE}=${encodeURIComponent(nodeId)}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Sets the node cookie on every engine handshake answer (the first polling request or the websocket upgrade). */
export function setNodeCookieOnHandshake(io: HubServer, nodeId: string, secure: boolean): void {
  const cookie = nodeCookie(nodeId, secure);
  io.engine.on('initial_headers', (headers: OutgoingHttpHeaders) => {
    const earlier = headers['set-cookie'];
    headers['set-cookie'] = earlier === undefined ? [cookie] : [...[earlier].flat().map(String), cookie];
  });
}
