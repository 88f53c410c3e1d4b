/**
 * Asks for a Web Lock that one tab of the origin holds at a time; `onHeld` runs once this tab has
 * it (at once, or when the holder closes). The returned function gives it up, or stops waiting.
 * Where Web Locks are missing (a page served over plain http from a non-loopback address) every
 * tab counts as the holder: what the lock guards must then stay harmless when done twice.
 */
export function holdTabLock(name: string, onHeld: () => void): () => void {
  if (typeof navigator === 'undefined' || !navigator.locks) {
    onHeld();
    return () => {};
  }
  const waiting = new AbortController();
  let release: (() => void) | undefined;
  let given = false;
  navigator.locks
    .request(name, { signal: waiting.signal }, () => {
      if (given) return undefined;
      onHeld();
      // Held until this promise settles: when the tab gives it up, or closes.
      return new Promise<void>((resolve) => (release = resolve));
    })
    .catch(() => {
      // Aborted while waiting: the tab gave up before its turn.
    });
  return () => {
    given = true;
    waiting.abort();
    release?.();
  };
}
