import type { ChildProcess } from 'node:child_process';

/** A request from the bench to a child process, and its answer, over the fork() IPC channel. */
type Request = { id: number; cmd: string; args: unknown };
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
type Ready = { ready: unknown };

/** Child side: answers the bench's calls; an exception becomes an error reply, never a crash. */
export function serve(handlers: Record<string, (args: never) => Promise<unknown>>): void {
  process.on('message', (raw) => {
    const m = raw as Request;
    if (typeof m?.id !== 'number') return;
    const handler = handlers[m.cmd];
    const run = handler ? handler(m.args as never) : Promise.reject(new Error(`unknown command ${m.cmd}`));
    run.then(
      (result) => process.send?.({ id: m.id, ok: true, result } satisfies Reply),
      (err: unknown) =>
        process.send?.({
          id: m.id,
          ok: false,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        } satisfies Reply),
    );
  });
  // The bench is gone (crashed, killed): a child must not outlive it holding ports and sockets.
  process.once('disconnect', () => process.exit(0));
}

/** Child side: tells the bench it is up, with whatever it needs to know (a URL). */
export function announce(info: unknown): void {
  process.send?.({ ready: info } satisfies Ready);
}

/** Bench side: calls into one child; every call has a deadline, and a child that dies fails its pending calls. */
export interface Peer {
  /** Resolves with what the child passed to `announce`. */
  ready: Promise<unknown>;
  call<T>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
}

export function peerOf(child: ChildProcess, name: string): Peer {
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  let announced: (v: unknown) => void = () => {};
  let died: (e: Error) => void = () => {};
  const ready = new Promise<unknown>((resolve, reject) => ((announced = resolve), (died = reject)));
  // Nobody may be waiting for `ready` when a child dies later; that rejection is not an error.
  ready.catch(() => {});

  child.on('message', (raw) => {
    const m = raw as Reply | Ready;
    if ('ready' in m) return announced(m.ready);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${name}: ${m.error}`));
  });
  child.once('exit', (code, signal) => {
    const err = new Error(`${name} exited (${signal ?? code})`);
    died(err);
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    pending.clear();
  });

  return {
    ready,
    call<T>(cmd: string, args?: unknown, timeoutMs = 120_000): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${cmd} took longer than ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        // With a callback, a closed channel (the child was killed: timeout or SIGINT) fails this
        // call instead of throwing an unhandled 'error' that ends the bench before it cleans up.
        child.send({ id, cmd, args } satisfies Request, (err) => {
          if (!err) return;
          clearTimeout(timer);
          pending.delete(id);
          reject(new Error(`${name}: ${cmd}: ${err.message}`));
        });
      });
    },
  };
}
