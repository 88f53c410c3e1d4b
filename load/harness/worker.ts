import { measureClients } from './measure-clients.ts';
import { measureTarget, type RunSettings } from './measure-target.ts';
import type { TargetName } from './targets.ts';

/** One measurement the bench hands to a fresh process. */
export type Job =
  | { kind: 'target'; target: TargetName; n: number; settings: RunSettings }
  | { kind: 'clients'; url: string; n: number; settings: RunSettings };

/** What a worker sends back over IPC. */
export type JobReply = { ok: true; result: unknown } | { ok: false; error: string };

// Entry point of a forked worker: each measurement gets a fresh process so RSS is not inherited
// from the previous run, and the bench learns whether everything closed (the process exits).
if (process.send) {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  let reply: JobReply;
  try {
    const result =
      job.kind === 'target'
        ? await measureTarget(job.target, job.n, job.settings)
        : await measureClients(job.url, job.n, job.settings);
    reply = { ok: true, result };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  process.send(reply, () => process.disconnect());
}
