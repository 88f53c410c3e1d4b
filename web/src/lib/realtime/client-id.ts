/**
 * A fresh id for one client-originated write (`clientId` in the protocol). Made once per write
 * and reused on every retry of it, so the hub answers a repeat with the first result.
 */
export function newClientId(): string {
  // randomUUID needs a secure context; plain http on a LAN address is not one.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
