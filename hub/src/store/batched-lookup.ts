/**
 * Lookups by key that many callers ask for within one turn of the event loop, answered by shared
 * reads: in a reconnect storm thousands of sockets each ask for their person's groups and their
 * groups' counters within milliseconds, and a statement per socket cost more than what it read.
 *
 * A lookup waits for the turn's I/O callbacks to finish (a setImmediate), then one read takes every
 * key asked for meanwhile, each key once however many asked, at most `max` keys a read (more
 * make several reads). Every caller of a key gets the same value: callers must not change it. A
 * read that fails fails every lookup waiting on it; the next lookups read anew.
 */
export function batchedLookup<V>(opts: {
  /** Reads these keys (at most `max`); a key left out of the map gets `missing`. */
  read: (keys: string[]) => Promise<Map<string, V>>;
  missing: V;
  max: number;
}): (key: string) => Promise<V> {
  type Waiter = { resolve: (v: V) => void; reject: (err: unknown) => void };
  let waiting = new Map<string, Waiter[]>();
  let scheduled = false;

  const readChunk = (keys: string[], batch: Map<string, Waiter[]>) =>
    opts.read(keys).then(
      (found) => {
        for (const key of keys) {
          const value = found.has(key) ? found.get(key)! : opts.missing;
          for (const w of batch.get(key)!) w.resolve(value);
        }
      },
      (err: unknown) => {
        for (const key of keys) for (const w of batch.get(key)!) w.reject(err);
      },
    );

  const flush = () => {
    scheduled = false;
    const batch = waiting;
    waiting = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += opts.max) void readChunk(keys.slice(i, i + opts.max), batch);
  };

  return (key) =>
    new Promise<V>((resolve, reject) => {
      const waiters = waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
