import { createHash, getRandomValues, timingSafeEqual } from 'node:crypto';

// Lucia's alphabet: no 0/1/l/o, so tokens survive being read aloud or retyped.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random string of `length` characters, 5 bits of entropy each (24 chars = 120 bits). */
export function randomString(length = 24): string {
  const bytes = getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += ALPHABET[b >> 3];
  return out;
}

/** SHA-256 of a secret, hex: what the store keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * SHA-256 of a secret as 32 one-byte characters (latin1): what an in-memory cache keeps, half the
 * size of the hex the store keeps, and V8 stores it as a one-byte string.
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest().toString('latin1');
}

/** Compares a presented secret with a `secretDigest` in constant time. */
export function secretMatchesDigest(secret: string, digest: string): boolean {
  const a = createHash('sha256').update(secret).digest();
  const b = Buffer.from(digest, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Splits `id.secret`; null when the shape is wrong, so malformed tokens never reach the store. */
export function splitToken(token: string, prefix = ''): { id: string; secret: string } | null {
  if (typeof token !== 'string' || token.length > 200 || !token.startsWith(prefix)) return null;
  const parts = token.slice(prefix.length).split('.');
  if (parts.length !== 2) return null;
  const [id, secret] = parts as [string, string];
  if (!/^[a-z0-9]{16,64}$/.test(id) || !/^[a-z0-9]{16,64}$/.test(secret)) return null;
  return { id, secret };
}
