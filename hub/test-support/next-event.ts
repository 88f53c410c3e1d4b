/** Resolves with the next occurrence of an event (or rejects after `ms`). */
export function nextEvent<T = unknown>(
  socket: { once(ev: string, fn: (arg: T) => void): unknown },
  event: string,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    });
  });
}
