import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * Whether a redis-server binary is on PATH, for tests that need a Redis of their own to stop.
 * Under REQUIRE_SERVICES=1 (CI) its absence fails the suite; otherwise it says why they skip.
 */
export function hasRedisServer(suite: string): boolean {
  if (spawnSync('redis-server', ['--version']).status === 0) return true;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error('redis-server binary is required (REQUIRE_SERVICES=1)');
  console.warn(`skipping ${suite}: no redis-server binary on PATH`);
  return false;
}

/** A private, throwaway Redis on this port that a test may kill and restart without disturbing the machine's own. */
export function startPrivateRedis(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept connections') && resolve(child));
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
}
