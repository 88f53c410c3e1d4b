import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';

/** The machine a run happened on; load averages because these machines are shared. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  totalMemGiB: number;
  node: string;
  os: string;
  loadAvgStart: number[];
  loadAvgEnd: number[];
}

export function describeMachine(): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    totalMemGiB: totalmem() / 2 ** 30,
    node: process.version,
    os: `${type()} ${release()}`,
    loadAvgStart: loadavg(),
    loadAvgEnd: [],
  };
}

/** How this bench was started, as a reader can repeat it: the package script when pnpm ran it. */
export function commandLine(entry: string): string {
  const script = process.env.npm_lifecycle_script;
  const viaScript = script?.includes(entry) ? process.env.npm_lifecycle_event : undefined;
  const args = process.argv.slice(2).join(' ');
  return viaScript
    ? `pnpm --filter @fengqiao/load ${viaScript}${args ? ` ${args}` : ''}  →  ${script}`
    : `tsx ${process.argv.slice(1).join(' ')}`;
}

/**
 * The code measured: commit, and whether hub/ differed from it (several people work in one tree,
 * so a run can measure uncommitted hub code). Read-only git; 'unknown' without git.
 */
export function codeVersion(repoDir: string): string {
  try {
    const head = execFileSync('git', ['-C', repoDir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['--no-optional-locks', '-C', repoDir, 'status', '--porcelain', '--', 'hub'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} + uncommitted changes in hub/ (${dirty.split('\n').length} files)` : head;
  } catch {
    return 'unknown';
  }
}
