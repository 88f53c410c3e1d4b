import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminGroupsResponse } from '../protocol/index.ts';
import { demoLogin, login, startTestHub, type TestHub } from '../../test-support/index.ts';

/** GET /api/admin/groups: the groups an administrator looks after, in their scope only. */
describe('group administration overview', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  const get = async (loginName: string) => {
    const { cookie } = await login(t.url, loginName);
    return fetch(`${t.url}/api/admin/groups`, { headers: { cookie, origin: t.url } });
  };

  it('lists every unit group to an admin and only their station’s to a station head, with members', async () => {
    const all = (await (await get('admin')).json()) as AdminGroupsResponse;
    const grids = all.groups.filter((g) => g.kind === 'grid');
    expect(grids).toHaveLength(24);
    expect(grids.every((g) => g.members > 0 && g.pending === 0)).toBe(true);
    expect(all.groups.some((g) => g.kind === ('direct' as string) || g.kind === ('hotline' as string))).toBe(false);
    const head = await demoLogin(t.hub, 'station_head');
    const own = (await (await get(head)).json()) as AdminGroupsResponse;
    expect(own.groups.length).toBeGreaterThan(0);
    expect(own.groups.length).toBeLessThan(all.groups.length);
    const station = (await login(t.url, head)).body.me.unit.name;
    expect(own.groups.find((g) => g.kind === 'station_staff')?.name).toContain(station);
  });

  it('refuses everyone else', async () => {
    const res = await get(await demoLogin(t.hub, 'officer'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
