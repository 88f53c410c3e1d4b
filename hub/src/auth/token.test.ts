import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, randomString, secretDigest, secretMatches, secretMatchesDigest } from './token.ts';

describe('secret digests', () => {
  it('holds the SHA-256 as 32 one-byte characters, the same bytes as the stored hex hash', () => {
    const secret = randomString();
    const digest = secretDigest(secret);
    expect(digest).toHaveLength(32);
    expect(Buffer.from(digest, 'latin1').toString('hex')).toBe(hashSecret(secret));
    expect(Buffer.from(digest, 'latin1').equals(createHash('sha256').update(secret).digest())).toBe(true);
  });

  it('matches the secret it was made from, and no other', () => {
    const secret = randomString();
    const digest = secretDigest(secret);
    expect(secretMatchesDigest(secret, digest)).toBe(true);
    expect(secretMatchesDigest(randomString(), digest)).toBe(false);
    // One character off, and the digest of a prefix: both refused.
    expect(secretMatchesDigest(`${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`, digest)).toBe(false);
    expect(secretMatchesDigest(secret.slice(0, -1), digest)).toBe(false);
  });

  it('refuses a digest of another length (the hex form, a truncated one, none) without throwing', () => {
    const secret = randomString();
    expect(secretMatchesDigest(secret, hashSecret(secret))).toBe(false);
    expect(secretMatchesDigest(secret, secretDigest(secret).slice(0, 31))).toBe(false);
    expect(secretMatchesDigest(secret, '')).toBe(false);
    // The hex form still serves the store's hashes.
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
  });
});
