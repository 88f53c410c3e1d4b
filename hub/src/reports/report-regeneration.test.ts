import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/permissions.ts';
import { provisionGroups } from '../groups/group-provisioning.ts';
import { newId } from '../ids.ts';
import { seedDemo } from '../org/demo-seed.ts';
import { openStore, type Store } from '../store/database.ts';
import { storeDialects } from '../../test-support/services.ts';
import { REGENERATE_COOLDOWN_MS } from './report-regeneration.ts';
import { createReportService, type ReportService } from './report.service.ts';

const H = 3600_000;
/** Sunday 2026-11-22 in Shanghai (UTC+8 all year), the day the daily report covers. */
const DAY_START = Date.UTC(2026, 10, 22) - 8 * H;
const DAY_END = DAY_START + 24 * H;

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`重新生成 (regenerate a report) on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    const dir = mkdtempSync(join(tmpdir(), 'fq-regenerate-'));
    let reports: ReportService;
    let station: string;
    let dispatcher: Actor;
    let foreignDispatcher: Actor;
    let resident: Actor;
    let bot: Actor;
    let clock = DAY_END + 9 * H;
    const notified: string[] = [];
    let k = 0;

    async function incident(at: number): Promise<void> {
      await store.db
        .insertInto('incidents')
        .values({
          id: newId(),
          station_id: station,
          number: `R-${++k}`,
          client_id: `regen-${k}`,
          created_by: dispatcher.id,
          reported_at: at,
          category: 'public_order',
          source: 'call_110',
          place: '长春路',
          caller: null,
          summary: '噪音扰民',
          status: 'closed',
          created_at: at,
          updated_at: at,
        })
        .execute();
    }

    const audits = (id: string) =>
      store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'report.regenerate')
        .where('target_id', '=', id)
        .execute();

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      store = await openStore({ databaseUrl: target.url, dataDir: dir });
      await seedDemo(store.db);
      await provisionGroups(store.db);
      const stations = await store.db
        .selectFrom('units')
        .select(['id', 'path'])
        .where('kind', '=', 'station')
        .orderBy('sort')
        .execute();
      station = stations[0]!.id;
      const people = await store.db
        .selectFrom('users as u')
        .innerJoin('units as un', 'un.id', 'u.unit_id')
        .select(['u.id', 'u.role', 'u.unit_id', 'un.path'])
        .execute();
      const actor = (role: string, path: string): Actor => {
        const p = people.find((x) => x.role === role && x.path.startsWith(path))!;
        return { id: p.id, role: p.role as Actor['role'], unitId: p.unit_id };
      };
      dispatcher = actor('dispatcher', stations[0]!.path);
      foreignDispatcher = actor('dispatcher', stations[1]!.path);
      resident = actor('resident', stations[0]!.path);
      bot = actor('bot', '/');
      reports = createReportService({
        db: store.db,
        notify: { reportCreated: (id) => notified.push(id) },
        defaults: { briefingTime: '07:30', timeZone: 'Asia/Shanghai' },
        now: () => clock,
      });
      await incident(DAY_START + 10 * H);
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('asking again for a stored period returns it unchanged; regenerating rebuilds it in place, audited', async () => {
      // The bot's scheduled daily report of Sunday.
      const scheduled = await reports.request(bot, { kind: 'daily', unitId: station, periodStart: DAY_START });
      expect(scheduled.created).toBe(true);
      expect(scheduled.report.figures.incidents.total.current).toBe(1);
      // A late entry for Sunday, logged on Monday morning.
      await incident(DAY_START + 20 * H);
      clock += REGENERATE_COOLDOWN_MS;

      const again = await reports.request(dispatcher, { kind: 'daily', unitId: station });
      expect(again.created).toBe(false);
      expect(again.report.id).toBe(scheduled.report.id);
      expect(again.report.trigger).toBe('schedule');
      expect(again.report.figures.incidents.total.current).toBe(1);

      await reports.storeSummaries(bot, scheduled.report.id, { conversations: [], topics: [{ term: '旧', count: 1 }] });
      const fresh = await reports.regenerate(dispatcher, scheduled.report.id);
      expect(fresh.id).toBe(scheduled.report.id);
      expect(fresh.figures.incidents.total.current).toBe(2);
      expect(fresh.sections.find((s) => s.key === 'incidents')!.sentences[0]!.text).toContain('接报警情 2 起');
      expect(fresh).toMatchObject({ trigger: 'request', requestedBy: { id: dispatcher.id }, summarised: false });
      expect(fresh.generatedAt).toBe(clock);
      expect(notified).toContain(fresh.id);
      const logged = await audits(fresh.id);
      expect(logged).toHaveLength(1);
      expect(logged[0]!.actor_id).toBe(dispatcher.id);
      expect(JSON.parse(logged[0]!.detail!)).toMatchObject({
        kind: 'daily',
        unitId: station,
        periodStart: DAY_START,
        before: { generatedAt: scheduled.report.generatedAt, trigger: 'schedule' },
      });
      // The old build's summaries went with it: a bot writes them again for the new one.
      expect(fresh.figures.groups.topics).toEqual([]);
      const topics = [{ term: '噪音', count: 2 }];
      expect((await reports.storeSummaries(bot, fresh.id, { conversations: [], topics })).stored).toBe(true);
      expect((await reports.get(dispatcher, fresh.id)).figures.groups.topics).toEqual(topics);
    });

    it('refuses a second rebuild within the cooldown, bots, and people outside the scope; nothing changes', async () => {
      const [item] = await reports.list(dispatcher, { kind: 'daily', unitId: station });
      const before = await reports.get(dispatcher, item!.id);
      await expect(reports.regenerate(dispatcher, item!.id)).rejects.toMatchObject({ code: 'rate_limited' });
      clock += REGENERATE_COOLDOWN_MS;
      await expect(reports.regenerate(bot, item!.id)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(reports.regenerate(foreignDispatcher, item!.id)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(reports.regenerate(resident, item!.id)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(reports.regenerate(dispatcher, 'no-such-report')).rejects.toMatchObject({ code: 'not_found' });
      expect(await reports.get(dispatcher, item!.id)).toEqual(before);
      expect(await audits(item!.id)).toHaveLength(1);
    });

    it('of two rebuilds at once, one wins and the other is told', async () => {
      const [item] = await reports.list(dispatcher, { kind: 'daily', unitId: station });
      const outcomes = await Promise.allSettled([
        reports.regenerate(dispatcher, item!.id),
        reports.regenerate(dispatcher, item!.id),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'conflict' });
      expect(await audits(item!.id)).toHaveLength(2);
    });
  });
}
