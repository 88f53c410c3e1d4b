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
/** The most JSON bytes one UTF-16 unit of a string can take: a control character as `\u001f`. */
const MAX_BYTES_PER_UNIT = 6;
/** The longest JSON number: `-2.2250738585072014e-308`. */
const MAX_NUMBER_BYTES = 24;

/**
 * Refuses a command payload before anything else reads it: nested deeper than `maxDepth`
 * (validation_failed), or longer than `maxBytes` as UTF-8 JSON (payload_too_large).
 *
 * One iterative walk (a payload nested 20,000 deep is refused here instead of overflowing the stack
 * in the schema) sums an upper bound of the JSON size from lengths alone; only a payload whose bound
 * passes `maxBytes` (several kilobytes of text: rare) is measured exactly, by serialising it. So the
 * common small command pays a walk over its few fields, not a JSON.stringify.
 */
export function assertPayload(value: unknown, maxBytes: number, maxDepth = MAX_PAYLOAD_DEPTH): void {
  // Containers still to walk, each followed by its depth (one flat array: no pair per container).
  const stack: unknown[] = [];
  let bound = leafBoundOrPush(value, 0, stack);
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const v = stack.pop() as object;
    if (depth > maxDepth) throw errors.tooDeep(maxDepth);
    bound += 2; // its brackets
    if (Array.isArray(v)) for (const child of v) bound += leafBoundOrPush(child, depth, stack);
    else
      for (const key in v)
        bound +=
          key.length * MAX_BYTES_PER_UNIT + 3 + leafBoundOrPush((v as Record<string, unknown>)[key], depth, stack);
  }
  if (bound > maxBytes && Buffer.byteLength(JSON.stringify(value ?? null)) > maxBytes) throw errors.tooLarge(maxBytes);
}

/**
 * A value's JSON size bound with the comma after it; a container counts its comma only and is left
 * on the stack for the walk. Binary (which no payload carries) has no cheap bound: it sends the
 * payload to the exact measurement.
 */
function leafBoundOrPush(v: unknown, parentDepth: number, stack: unknown[]): number {
  if (typeof v === 'string') return v.length * MAX_BYTES_PER_UNIT + 3;
  if (typeof v !== 'object' || v === null) return MAX_NUMBER_BYTES + 1;
  if (ArrayBuffer.isView(v)) return Number.POSITIVE_INFINITY;
  stack.push(v, parentDepth + 1);
  return 1;
}
