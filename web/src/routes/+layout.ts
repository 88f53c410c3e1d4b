/**
 * The whole app renders in the browser: the hub authenticates every API call and the socket,
 * so there is nothing to render on the server but the empty shell (which still carries the CSP).
 */
export const ssr = false;
export const prerender = false;
