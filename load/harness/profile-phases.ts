import { mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Phase, Round } from './fanout-measure.ts';
import type { ServerNode } from './server-nodes.ts';

/** One phase of one round, in the profiled node's own clock (µs, as its .cpuprofile samples). */
export interface ProfileWindow {
  label: string;
  round: number;
  phase: Phase;
  fromUs: number;
  toUs: number;
}

/**
 * Beside each profiled node's CPU profiles (hub or baseline), `phases.json`: when each round's
 * connect, delivery and acknowledgement phases ran (the group chat bench: its traffic levels, as delivery), so
 * `cpu-profile-summary.ts --phase=acks` can cut the profile to one phase. Wall-clock ms become
 * the node's monotonic µs through an offset measured over IPC.
 */
export async function writeProfilePhases(
  nodes: readonly ServerNode[],
  rounds: readonly Pick<Round, 'phases'>[],
  label: string,
): Promise<void> {
  for (const node of nodes) {
    if (!node.cpuProfileDir || !node.monoOffsetUs) continue;
    const offsetUs = await node.monoOffsetUs();
    const windows: ProfileWindow[] = rounds.flatMap((r, round) =>
      Object.entries(r.phases).map(([phase, [from, to]]) => ({
        label,
        round: round + 1,
        phase: phase as Phase,
        fromUs: from * 1000 + offsetUs,
        toUs: to * 1000 + offsetUs,
      })),
    );
    await mkdir(node.cpuProfileDir, { recursive: true });
    await writeFile(join(node.cpuProfileDir, 'phases.json'), `${JSON.stringify(windows, null, 2)}\n`);
  }
}

/**
 * With BENCH_CPU_PROF=1, the (created) folder under load/out/ where a bench's server nodes write
 * their CPU profiles, named by the bench and its start time; undefined when profiling is off.
 */
export function cpuProfileDir(name: string, startedAt: string): string | undefined {
  return process.env.BENCH_CPU_PROF === '1' ? outDir(name, startedAt) : undefined;
}

/** With BENCH_ALLOC_PROF=1, the (created) folder for the allocation profiles of a bench's levels. */
export function allocationProfileDir(name: string, startedAt: string): string | undefined {
  return process.env.BENCH_ALLOC_PROF === '1' ? outDir(name, startedAt) : undefined;
}

function outDir(name: string, startedAt: string): string {
  const dir = fileURLToPath(new URL(`../out/${name}-${startedAt.replace(/[:.]/g, '-')}`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}
