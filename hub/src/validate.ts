import type { ZodType } from 'zod';
import { errors } from './errors.ts';

/** Parses a request part with its protocol schema, throwing validation_failed. */
export function parse<T>(schema: ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw errors.validation(r.error);
  return r.data;
}

/** Deepest nesting of arrays and objects any protocol payload has, with room to spare. */
const MAX_PAYLOAD_DEPTH = 32;

/**
 * Refuses values nested deeper than `max` with validation_failed. Iterative, so a payload nested
 * 20,000 deep is refused here instead of overflowing the stack in JSON.stringify or the schema.
 */
export function assertDepth(value: unknown, max = MAX_PAYLOAD_DEPTH): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    if (depth > max) throw errors.tooDeep(max);
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}
