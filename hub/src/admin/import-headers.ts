import { errors } from '../errors.ts';

/**
 * Maps a header row to column indexes: each field accepts its Chinese or English header. A missing
 * required column or an unknown one refuses the whole file with import_headers naming them.
 */
export function mapHeaders<F extends string>(
  header: readonly string[] | undefined,
  columns: Record<F, readonly string[]>,
  required: readonly NoInfer<F>[],
): Partial<Record<F, number>> {
  const index: Partial<Record<F, number>> = {};
  const unknown: string[] = [];
  (header ?? []).forEach((raw, i) => {
    const h = raw.replace(/^\uFEFF/, '').trim();
    if (!h) return;
    const field = (Object.keys(columns) as F[]).find((f) =>
      columns[f].some((c) => c.toLowerCase() === h.toLowerCase()),
    );
    if (field === undefined || index[field] !== undefined) unknown.push(h);
    else index[field] = i;
  });
  const missing = required.filter((f) => index[f] === undefined).map((f) => columns[f][0]!);
  if (missing.length || unknown.length) throw errors.importHeaders(missing, unknown);
  return index;
}
