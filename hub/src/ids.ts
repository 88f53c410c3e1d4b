import { randomFillSync } from 'node:crypto';

/** Crockford's base32, the ULID alphabet. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
/** Random bytes drawn from the OS at once: one call per 256 ids instead of 16 per id. */
const POOL_BYTES = RANDOM_CHARS * 256;

/**
 * Sortable ids (ULID): 48 bits of milliseconds, then 80 random bits; ids made in the same
 * millisecond (or after the clock stepped back) take the previous random part plus one, so the
 * order of creation survives in the id. The `ulid` package draws each of the 16 random characters
 * with its own `crypto.getRandomValues` call: a tenth of the hub's CPU per group message. This
 * draws them from a pooled buffer.
 */
export function monotonicIds(now: () => number = Date.now): () => string {
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  let poolAt = POOL_BYTES;
  let lastTime = -1;
  const random = new Uint8Array(RANDOM_CHARS);

  function drawRandom(): void {
    if (poolAt === POOL_BYTES) {
      randomFillSync(pool);
      poolAt = 0;
    }
    // 256 is a multiple of 32: the low five bits of a uniform byte are uniform.
    for (let i = 0; i < RANDOM_CHARS; i += 1) random[i] = pool[poolAt + i]! & 31;
    poolAt += RANDOM_CHARS;
  }

  function incrementRandom(): void {
    for (let i = RANDOM_CHARS - 1; i >= 0; i -= 1) {
      if (random[i]! < 31) {
        random[i] = random[i]! + 1;
        return;
      }
      random[i] = 0;
    }
    throw new Error('ULID random part overflowed within one millisecond');
  }

  return () => {
    const t = now();
    if (t <= lastTime) incrementRandom();
    else {
      lastTime = t;
      drawRandom();
    }
    let randomText = '';
    for (let i = 0; i < RANDOM_CHARS; i += 1) randomText += ALPHABET[random[i]!];
    return encodeTime(lastTime) + randomText;
  };
}

function encodeTime(ms: number): string {
  let text = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i += 1) {
    text = ALPHABET[rest % 32]! + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

/** The hub's ids: one generator per process. */
export const newId: () => string = monotonicIds();
