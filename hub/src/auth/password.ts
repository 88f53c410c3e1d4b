import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. Algorithm 2 is Argon2id.
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so an unknown login costs the same time.
const DUMMY_HASH = hashPassword('fengqiao-dummy-password');

/** True when `password` matches `stored`; a null hash (bots) never matches. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await DUMMY_HASH, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

// A temporary password is 60 random bits and expires within days: unlike a chosen one it needs no
// memory-hard cost against guessing, and a 5,000-person import must not spend a minute hashing.
// Still argon2id (the hash string carries its parameters, so verifyPassword needs no change).
const TEMPORARY_OPTIONS = { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

/** Hashes a generated temporary password (never one a person chose) with light argon2id parameters. */
export function hashTemporaryPassword(password: string): Promise<string> {
  return hash(password, TEMPORARY_OPTIONS);
}
