import type { ZodType } from 'zod';
import { errors } from './errors.ts';

/** Parses a request part with its protocol schema, throwing validation_failed. */
export function parse<T>(schema: ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw errors.validation(r.error);
  return r.data;
}
