/**
 * Recognises failures of the store itself (full or read-only disk, I/O errors, a database server
 * that is gone) as opposed to failures of one query. Those are the node's condition, not the
 * request's fault: the client is told `store_unavailable` and may retry.
 */

/** SQLite result codes (better-sqlite3 `code`, extended codes included) that mean the store cannot write. */
const SQLITE_PREFIXES = [
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
];
/** PostgreSQL SQLSTATEs: 53xxx insufficient resources (53100 disk full), 57P0x shutdown, 08xxx connection. */
const PG_CLASSES = ['53', '57P', '08'];
/** Socket errors from the PostgreSQL client while the server is unreachable. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/** Messages without a code: pg's lost connection, a store already closed (Kysely, better-sqlite3). */
const MESSAGES: [string, string][] = [
  ['Connection terminated', 'connection_lost'],
  ['driver has already been destroyed', 'store_closed'],
  ['The database connection is not open', 'store_closed'],
];

/** The store failure's code (e.g. `SQLITE_FULL`, `53100`, `ECONNREFUSED`), or undefined for ordinary errors. */
export function storeFailureCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code.startsWith('SQLITE_') && SQLITE_PREFIXES.some((p) => code.startsWith(p))) return code;
      if (/^[0-9A-Z]{5}$/.test(code) && PG_CLASSES.some((p) => code.startsWith(p))) return code;
      if (NET_CODES.has(code)) return code;
    }
    const message = e.message;
    const known = MESSAGES.find(([m]) => message.includes(m));
    if (known) return known[1];
  }
  return undefined;
}
