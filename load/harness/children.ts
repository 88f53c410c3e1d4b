import { fork, type ChildProcess } from 'node:child_process';
import { peerOf, type Peer } from './ipc.ts';

/** A child process the bench started: hub node, baseline node or client worker. */
export interface Child {
  name: string;
  proc: ChildProcess;
  peer: Peer;
  /** Resolves when `pattern` has appeared in its output (the hub's banner). */
  printed(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** From now on, copy what it prints to our stderr, prefixed with its name (warnings, errors). */
  echo(): void;
}

/** Every child still running: on a timeout or an error the bench kills them all, by pid. */
const live = new Set<ChildProcess>();
const KEEP_BYTES = 64 * 1024;

export function forkChild(
  file: string,
  name: string,
  opts: { execArgv: string[]; env?: NodeJS.ProcessEnv; cwd?: string },
): Child {
  const proc = fork(file, [], {
    execArgv: opts.execArgv,
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let out = '';
  let echoing = false;
  const watchers = new Set<() => void>();
  const onData = (d: Buffer) => {
    const text = d.toString();
    out = (out + text).slice(-KEEP_BYTES);
    if (echoing) for (const line of text.split('\n')) if (line.trim()) process.stderr.write(`[${name}] ${line}\n`);
    for (const w of watchers) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  return {
    name,
    proc,
    peer: peerOf(proc, name),
    echo: () => void (echoing = true),
    printed(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const done = () => {
          watchers.delete(check);
          clearTimeout(timer);
          proc.off('exit', exited);
        };
        const check = () => {
          const m = pattern.exec(out);
          if (!m) return;
          done();
          resolve(m);
        };
        const exited = () => (done(), reject(new Error(`${name} exited before printing ${pattern}:\n${out}`)));
        const timer = setTimeout(
          () => (done(), reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${out}`))),
          timeoutMs,
        );
        watchers.add(check);
        proc.once('exit', exited);
        check();
      });
    },
  };
}

/** SIGTERM (a graceful stop), then SIGKILL if it is still there after `graceMs`. */
export function stopChild(child: Child, graceMs = 15_000): Promise<void> {
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      process.stderr.write(`[bench] ${child.name} did not stop within ${graceMs} ms; killed\n`);
      proc.kill('SIGKILL');
    }, graceMs);
    proc.once('exit', () => (clearTimeout(timer), resolve()));
    proc.kill('SIGTERM');
  });
}

/** Kills every child still running, at once (timeout, Ctrl-C, a failed run). Returns how many. */
export function killAll(): number {
  const n = live.size;
  for (const proc of live) proc.kill('SIGKILL');
  return n;
}
