import { killAll } from './children.ts';
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
