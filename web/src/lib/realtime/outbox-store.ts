/** What the store needs of a queued command: its client id and when it was queued. */
export interface StoredCommand {
  command: { payload: { clientId: string } };
  queuedAt: number;
}

const PREFIX = 'fq.outbox.';

/**
 * One person's queued commands in localStorage, one key per command (`fq.outbox.<user>.<clientId>`):
 * two tabs that queue at once each write their own keys, so neither overwrites the other's. Tells
 * `onChange` when another tab added, changed or removed one (the browser's `storage` event).
 */
export function createOutboxStore<T extends StoredCommand>(userId: string, onChange: () => void) {
  const prefix = `${PREFIX}${userId}.`;
  const keyOf = (clientId: string) => prefix + encodeURIComponent(clientId);

  function read(key: string): T | undefined {
    try {
      const raw = localStorage.getItem(key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    } catch {
      return undefined;
    }
  }

  /** False when storage is full or blocked: the caller keeps the command in memory instead. */
  function put(entry: T): boolean {
    try {
      localStorage.setItem(keyOf(entry.command.payload.clientId), JSON.stringify(entry));
      return true;
    } catch {
      return false;
    }
  }

  // Earlier versions kept the whole queue under one key (`fq.outbox.<user>`): split it once.
  // Two tabs doing this together write the same keys, so it is safe to repeat.
  const legacy = read(PREFIX + userId) as unknown;
  if (Array.isArray(legacy)) for (const e of legacy as T[]) if (e?.command?.payload?.clientId) put(e);
  try {
    localStorage.removeItem(PREFIX + userId);
  } catch {
    // Blocked storage: nothing was there to split either.
  }

  const listener = (e: StorageEvent) => {
    if (e.storageArea === localStorage && (e.key === null || e.key.startsWith(prefix))) onChange();
  };
  window.addEventListener('storage', listener);

  return {
    /** Every queued command of the person, from every tab, oldest first. */
    all(): T[] {
      const out: T[] = [];
      try {
        for (let i = 0; i < localStorage.length; i += 1) {
          const key = localStorage.key(i);
          const entry = key?.startsWith(prefix) ? read(key) : undefined;
          if (entry) out.push(entry);
        }
      } catch {
        return out;
      }
      const id = (e: T) => e.command.payload.clientId;
      return out.sort((a, b) => a.queuedAt - b.queuedAt || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
    },
    has: (clientId: string) => read(keyOf(clientId)) !== undefined,
    put,
    remove(clientId: string): void {
      try {
        localStorage.removeItem(keyOf(clientId));
      } catch {
        // Blocked storage: nothing was stored either.
      }
    },
    close: () => window.removeEventListener('storage', listener),
  };
}
export type OutboxStore<T extends StoredCommand> = ReturnType<typeof createOutboxStore<T>>;
