/**
 * Compile-time checks that a hand-written wire type is exactly what its zod schema infers, so the
 * zod-free types the web loads cannot drift from the schemas the hub validates with. Type-only:
 * nothing here exists at run time.
 */

/** True when A and B are the same type (not merely assignable either way). */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Fails to compile unless T is `true`: `type _x = Assert<Equals<z.infer<typeof s>, S>>`. */
export type Assert<T extends true> = T;
