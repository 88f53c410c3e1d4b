import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, serviceAvailable } from '@fengqiao/hub/test-support';
import { prepareGroupStore, type GroupStore } from '../load/harness/group-store.ts';
import { startFleet, type Fleet } from '../load/harness/rolling-restart-fleet.ts';
import { spawnHub, type HubProcess } from './support/hub-process.ts';
import { nginxAvailable, startNginx, type Nginx } from './support/nginx.ts';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis')) && nginxAvailable();
const GROUPS = 4;
const MEMBERS = 25;

/**
 * Issue #16 item 7 at a test's size (the 2,000-client measurement is load/harness/rolling-restart.bench.ts):
 * 100 clients behind nginx on two hub processes, messages flowing; SIGTERM one hub; every client
 * comes back through nginx on the other, and no message is lost or stored or delivered twice.
 */
describe.skipIf(!ready)('rolling restart behind nginx', () => {
  let store: GroupStore;
  let hubs: HubProcess[] = [];
  let proxy: Nginx;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    store = await prepareGroupStore('postgres', GROUPS, MEMBERS);
    const env = {
      ...store.env,
      REDIS_URL,
      REDIS_CHANNEL_PREFIX: `fq-test-${randomBytes(4).toString('hex')}`,
      TRUST_PROXY: 'loopback',
      SEED_DEMO: 'never',
      // The posters send faster than an officer may.
      MESSAGE_RATE_STAFF_PER_MINUTE: '100000',
    };
    hubs = await Promise.all(['hub-3001', 'hub-3002'].map((id) => spawnHub({ ...env, NODE_ID: id })));
    proxy = await startNginx(hubs.map((h) => Number(new URL(h.url).port)));
  });
  afterAll(async () => {
    fleet?.close();
    await proxy?.stop();
    for (const h of hubs) if (h.child.exitCode === null) h.child.kill('SIGTERM');
    await Promise.all(hubs.map((h) => h.exited));
    await store?.dispose();
  });

  it('moves the clients of a hub stopped with SIGTERM to the other through nginx, losing and doubling nothing', async () => {
    fleet = await startFleet({ url: proxy.url, groups: store.groups, pollingEvery: 5 });
    const total = GROUPS * MEMBERS;
    const before = await fleet.nodes();
    expect([...before.keys()].sort()).toEqual(['hub-3001', 'hub-3002']);

    let round = 0;
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        round += 1;
        await fleet.sendRound(round);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await expect.poll(() => round, { timeout: 20_000 }).toBeGreaterThan(5);

    const [stopped, kept] = hubs as [HubProcess, HubProcess];
    stopped.child.kill('SIGTERM');
    expect(await stopped.exited).toBe(0);
    await expect.poll(() => fleet!.connected(), { timeout: 60_000, interval: 100 }).toBe(total);
    const after = await fleet.nodes();
    expect(after).toEqual(new Map([['hub-3002', total]]));
    expect(fleet.reconnects()).toBeGreaterThanOrEqual(before.get('hub-3001')!);

    const sentAtStop = round;
    await expect.poll(() => round, { timeout: 20_000 }).toBeGreaterThan(sentAtStop + 5);
    flowing = false;
    await flow;

    // Stored: each round's message exactly once per group, seqs 1..rounds without a gap.
    const counts = await store.counts();
    for (const g of store.groups)
      expect(counts.get(g.groupId)).toEqual({ lastSeq: round, messages: round, distinctSeqs: round });
    // Delivered: every member holds every seq (live or by its reconnect sync), none twice live.
    const last = new Map(store.groups.map((g) => [g.groupId, round]));
    await expect.poll(() => fleet!.verify(last).missing, { timeout: 20_000 }).toBe(0);
    expect(fleet.verify(last)).toEqual({ missing: 0, doubled: 0, members: total });
    expect(kept.child.exitCode).toBeNull();
  }, 180_000);
});
