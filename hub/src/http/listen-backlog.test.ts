import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test-support/index.ts';
import { LISTEN_BACKLOG } from './listen-backlog.ts';

/**
 * The hub's listening socket holds a reconnect storm's connections until it accepts them (see
 * LISTEN_BACKLOG), as the kernel reports it: `ss` shows a listening socket's backlog as its Send-Q.
 */
describe('the listening socket', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('queues as many connections as the kernel allows, up to LISTEN_BACKLOG, not Node’s default 511', () => {
    const port = new URL(t.url).port;
    const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
    const [, , backlog] = line.split(/\s+/);
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(Number(backlog)).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    expect(Number(backlog)).toBeGreaterThan(511);
  });
});
