import { loadavg } from 'node:os';
import { killAll } from './children.ts';
import type { Machine } from './machine.ts';
import { writeOutputs } from './report.ts';

/** A bench's progress line: on stderr, so that stdout carries only the Markdown. */
export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Prints the Markdown on stdout and writes it with the JSON (every round) to load/out/. */
export async function publish(result: { startedAt: string }, markdown: string, bench: string): Promise<void> {
  process.stdout.write(`${markdown}\n`);
  const files = await writeOutputs(result, markdown, bench);
  log(`wrote ${files.json} and ${files.md}`);
}

/** Runs a bench's main: a failure is printed, every child process killed and the exit code set. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    killAll();
    process.exitCode = 1;
  });
}

/**
 * The tail every bench with server and client processes shares: `measure` fills `result` under a
 * deadline (past `timeoutMin` every child process is killed, and the bench exits soon after); a
 * failure is recorded in the result, not thrown, so what was measured before it is still published;
 * `cleanup` stops the processes either way. Then the load average at the end, the Markdown printed
 * and written with the JSON, and exit code 1 for a failed run.
 */
export async function measureThenPublish<R extends { startedAt: string; machine: Machine; error?: string }>(opts: {
  result: R;
  bench: string;
  timeoutMin: number;
  measure: () => Promise<void>;
  cleanup: () => Promise<void>;
  render: (result: R) => string;
}): Promise<void> {
  const { result } = opts;
  const deadline = setTimeout(() => {
    log(`passed BENCH_TIMEOUT_MIN=${opts.timeoutMin}; killed ${killAll()} processes`);
    setTimeout(() => process.exit(1), 30_000).unref();
  }, opts.timeoutMin * 60_000);
  process.once('exit', () => killAll());
  try {
    await opts.measure();
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`failed: ${result.error}`);
  } finally {
    clearTimeout(deadline);
    await opts.cleanup();
  }
  result.machine.loadAvgEnd = loadavg();
  await publish(result, opts.render(result), opts.bench);
  if (result.error) process.exitCode = 1;
}
