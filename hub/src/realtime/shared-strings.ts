/**
 * One copy per node of strings that many sockets hold alike (unit ids, roles, names of shared
 * rooms): each socket otherwise keeps its own copy of the same text, read fresh from the store or
 * built by a template. Bounded: past the limit the table starts over (sharing resumes as it fills).
 */
const table = new Map<string, string>();
const LIMIT = 10_000;

/** The node's copy of `value`. */
export function sharedString(value: string): string {
  const known = table.get(value);
  if (known !== undefined) return known;
  if (table.size >= LIMIT) table.clear();
  table.set(value, value);
  return value;
}
