import { describe, expect, it } from 'vitest';
import { HubError } from './errors.ts';
import { assertPayload } from './validate.ts';

/** What the check must agree with: the payload's length as UTF-8 JSON, as a client would send it. */
const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v ?? null));

const refusal = (value: unknown, maxBytes: number, maxDepth?: number) => {
  try {
    assertPayload(value, maxBytes, maxDepth);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    const e = err as HubError;
    return { code: e.code, message: e.message };
  }
};

/** `containers` arrays and objects, one inside the other, around a string. */
const nested = (containers: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < containers; i += 1) v = i % 2 ? [v] : { v };
  return v;
};

describe('assertPayload', () => {
  it('admits a payload exactly at the size limit and refuses one byte more, whatever its characters', () => {
    // ASCII, Chinese (3 bytes each), an emoji (a surrogate pair, 4 bytes), escapes (quote, newline, a control).
    for (const unit of ['a', '收', '🚓', '"', '\n', '\u0001']) {
      const payload = { groupId: 'g1', clientId: 'client-0001', text: unit.repeat(400), mentions: ['u1', 'u2'] };
      const size = jsonBytes(payload);
      expect(refusal(payload, size)).toBeUndefined();
      expect(refusal(payload, size - 1)).toEqual({
        code: 'payload_too_large',
        message: `payload exceeds ${size - 1} bytes`,
      });
    }
  });

  it('agrees with the JSON length on numbers, booleans, nulls, nested arrays and a missing payload', () => {
    const payloads: unknown[] = [
      undefined,
      null,
      42,
      'plain',
      { n: -2.2250738585072014e-308, t: true, f: false, z: null, list: [1, [2, [3, { deep: 'x' }]], 'y'] },
      { cursors: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`g${i}`, i * 7919])) },
    ];
    for (const p of payloads) {
      const size = jsonBytes(p);
      expect({ p, admitted: refusal(p, size) }).toEqual({ p, admitted: undefined });
      expect(refusal(p, size - 1)?.code).toBe('payload_too_large');
    }
  });

  it('measures binary exactly (no payload carries it, so it has no cheap bound)', () => {
    const payload = { image: Buffer.alloc(100) };
    const size = jsonBytes(payload);
    expect(refusal(payload, size)).toBeUndefined();
    expect(refusal(payload, size - 1)?.code).toBe('payload_too_large');
  });

  it('refuses nesting past the depth limit with validation_failed, before it measures anything', () => {
    expect(refusal(nested(32), 1 << 20)).toBeUndefined();
    const tooDeep = { code: 'validation_failed', message: 'the payload is nested deeper than 32 levels' };
    expect(refusal(nested(33), 1 << 20)).toEqual(tooDeep);
    // Too deep and too large at once: the depth is what is reported (serialising it could overflow the stack).
    let deep: unknown = [];
    for (let i = 0; i < 20_000; i += 1) deep = [deep];
    expect(refusal(deep, 10)).toEqual(tooDeep);
    expect(refusal(nested(5), 1 << 20, 4)?.message).toBe('the payload is nested deeper than 4 levels');
  });
});
