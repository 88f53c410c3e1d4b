import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/permissions.ts';
import { provisionGroups } from '../groups/group-provisioning.ts';
import { newId } from '../ids.ts';
import { seedDemo } from '../org/demo-seed.ts';
import type { ReportDocument } from '../protocol/index.ts';
import { openStore, type Store } from '../store/database.ts';
import { storeDialects } from '../../test-support/services.ts';
import { hotlineFigures } from '../hotline/hotline-figures.ts';
import { createReportService, type ReportService } from './report.service.ts';

const H = 3600_000;
const DAY = 24 * H;
/** Shanghai is UTC+8 all year: local midnight of day d (1-based) in month m (1-based) computed by hand, independent of local-period.ts. */
const shMidnight = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - 8 * H;
/** Sunday 2026-11-22 local, the day the daily report covers; "now" is Monday 09:00 local. */
const DAY_START = shMidnight(2026, 11, 22);
const DAY_END = shMidnight(2026, 11, 23);
const NOW = DAY_END + 9 * H;

function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seeded {
  incidents: { station: string; at: number; category: string; status: string }[];
  orders: {
    id: string;
    scope: string;
    at: number;
    ackDue: number;
    completeDue: number;
    recipients: {
      user: string;
      unit: string;
      delivered: number | null;
      read: number | null;
      ack: number | null;
      done: number | null;
    }[];
  }[];
  messages: { group: string; at: number }[];
  matters: { group: string; at: number; category: string; status: string }[];
}

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`report figures on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    const dir = mkdtempSync(join(tmpdir(), 'fq-reports-'));
    let reports: ReportService;
    let station: { id: string; path: string };
    let other: { id: string; path: string };
    let dispatcher: Actor;
    let foreignDispatcher: Actor;
    let resident: Actor;
    let officer: Actor;
    let bot: Actor;
    let grids: string[];
    const seeded: Seeded = { incidents: [], orders: [], messages: [], matters: [] };
    const notified: string[] = [];

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      store = await openStore({ databaseUrl: target.url, dataDir: dir });
      await seedDemo(store.db);
      await provisionGroups(store.db);
      const db = store.db;
      const stations = await db
        .selectFrom('units')
        .select(['id', 'path'])
        .where('kind', '=', 'station')
        .orderBy('sort')
        .execute();
      station = stations[0]!;
      other = stations[1]!;
      const people = await db
        .selectFrom('users as u')
        .innerJoin('units as un', 'un.id', 'u.unit_id')
        .select(['u.id', 'u.role', 'u.unit_id', 'un.path'])
        .execute();
      const inStation = (p: { path: string }) => p.path.startsWith(station.path);
      const asActor = (p: { id: string; role: string; unit_id: string }): Actor => ({
        id: p.id,
        role: p.role as Actor['role'],
        unitId: p.unit_id,
      });
      dispatcher = asActor(people.find((p) => p.role === 'dispatcher' && inStation(p))!);
      foreignDispatcher = asActor(people.find((p) => p.role === 'dispatcher' && p.path.startsWith(other.path))!);
      resident = asActor(people.find((p) => p.role === 'resident' && inStation(p))!);
      officer = asActor(people.find((p) => p.role === 'officer' && inStation(p))!);
      bot = asActor(people.find((p) => p.role === 'bot')!);
      const staff = people.filter((p) => inStation(p) && ['officer', 'auxiliary', 'grid_worker'].includes(p.role));
      const otherStaff = people.filter((p) => p.path.startsWith(other.path) && p.role === 'officer');
      const groupRows = await db
        .selectFrom('groups as g')
        .innerJoin('units as u', 'u.id', 'g.unit_id')
        .select(['g.id', 'u.path'])
        .where('g.kind', '=', 'grid')
        .execute();
      grids = groupRows.filter((g) => g.path.startsWith(station.path)).map((g) => g.id);
      const otherGrid = groupRows.find((g) => g.path.startsWith(other.path))!.id;

      const rand = rng(7);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      const categories = ['criminal', 'public_order', 'assistance', 'traffic', 'dispute'];
      // Incidents from 2026-11-20 to now, plus ones exactly on the local-midnight boundaries; the other station's must not count.
      const span = [shMidnight(2026, 11, 20), NOW] as const;
      const times = [
        DAY_START,
        DAY_END - 1,
        DAY_START - 1,
        DAY_END,
        ...Array.from({ length: 70 }, () => span[0] + Math.floor(rand() * (span[1] - span[0]))),
      ];
      for (const at of times)
        seeded.incidents.push({
          station: station.id,
          at,
          category: pick(categories),
          status: pick(['received', 'closed', 'closed']),
        });
      for (let i = 0; i < 10; i++)
        seeded.incidents.push({
          station: other.id,
          at: DAY_START + Math.floor(rand() * DAY),
          category: 'criminal',
          status: 'received',
        });
      let k = 0;
      for (const i of seeded.incidents) {
        k++;
        await db
          .insertInto('incidents')
          .values({
            id: newId(),
            station_id: i.station,
            number: `T-${k}`,
            client_id: `inc-${k}`,
            created_by: dispatcher.id,
            reported_at: i.at,
            category: i.category,
            source: 'call_110',
            place: '某路',
            caller: null,
            summary: `警情 ${k}`,
            status: i.status,
            created_at: i.at,
            updated_at: i.at,
          })
          .execute();
      }

      // Orders: some issued in the period, some before (still late at the period's end), one for the other station.
      for (let o = 0; o < 30; o++) {
        const at = o < 20 ? DAY_START + Math.floor(rand() * DAY) : DAY_START - Math.floor(rand() * 5 * DAY) - 1;
        const scope = o === 29 ? other.id : station.id;
        const ackDue = at + 30 * 60_000;
        const completeDue = at + 6 * H;
        const pool = scope === station.id ? staff : otherStaff;
        const chosen = [...new Set(Array.from({ length: 3 }, () => pick(pool)))];
        const recipients = chosen.map((p, j) => {
          const r = rand();
          const ack = r < 0.2 ? null : at + Math.floor(rand() * 60 * 60_000);
          const done = ack === null || rand() < 0.3 ? null : ack + Math.floor(rand() * 10 * H);
          // Receipts: some never delivered, some read, some read only after the day's end; acknowledged ones may lack read_at.
          const delivered = ack === null && j % 3 === 0 ? null : at + 60_000;
          const read =
            delivered === null
              ? null
              : ack === null
                ? j % 3 === 1
                  ? at + 2 * 60_000
                  : null
                : j % 2 === 0
                  ? ack
                  : null;
          return {
            user: p.id,
            unit: p.unit_id,
            delivered,
            read: o === 3 && read !== null ? DAY_END + H : read,
            ack,
            done,
          };
        });
        const id = newId();
        seeded.orders.push({ id, scope, at, ackDue, completeDue, recipients });
        await db
          .insertInto('orders')
          .values({
            id,
            issuer_id: dispatcher.id,
            client_id: `ord-${o}`,
            scope_unit_id: scope,
            parent_order_id: null,
            incident_id: null,
            title: `指令 ${o}`,
            body: '核查',
            priority: 'routine',
            status: 'active',
            targets: '[]',
            ack_due_at: ackDue,
            complete_due_at: completeDue,
            cancel_reason: null,
            rev: o + 1,
            created_at: at,
            updated_at: at,
          })
          .execute();
        for (const r of recipients) {
          await db
            .insertInto('order_recipients')
            .values({
              order_id: id,
              user_id: r.user,
              state: r.done
                ? 'completed'
                : r.ack
                  ? 'acknowledged'
                  : r.read
                    ? 'read'
                    : r.delivered
                      ? 'delivered'
                      : 'pending',
              delivered_at: r.delivered,
              read_at: r.read,
              acknowledged_at: r.ack,
              completed_at: r.done,
              returned_at: null,
              feedback: null,
              ack_reminders: 0,
              complete_reminders: 0,
              next_chase_at: null,
              escalated_at: null,
              rev: o + 1,
            })
            .execute();
        }
      }

      // Group messages across the boundaries, in this station's grids and one of the other station's.
      const seqs = new Map<string, number>();
      const sender = staff[0]!.id;
      const msgTimes = [
        DAY_START,
        DAY_END - 1,
        DAY_START - 1,
        DAY_END,
        ...Array.from({ length: 120 }, () => DAY_START - DAY + Math.floor(rand() * 2 * DAY)),
      ];
      for (const at of msgTimes) seeded.messages.push({ group: pick(grids), at });
      for (let i = 0; i < 15; i++) seeded.messages.push({ group: otherGrid, at: DAY_START + i * H });
      seeded.messages.sort((a, b) => a.at - b.at);
      for (const m of seeded.messages) {
        const seq = (seqs.get(m.group) ?? 0) + 1;
        seqs.set(m.group, seq);
        await db
          .insertInto('messages')
          .values({
            id: newId(),
            group_id: m.group,
            seq,
            sender_id: sender,
            client_id: `msg-${m.group}-${seq}`,
            text: '小区门口停车问题',
            reply_to_seq: null,
            status: 'ok',
            created_at: m.at,
            changed_at: null,
            mentions: null,
            image_id: null,
          })
          .execute();
      }
      for (const [g, seq] of seqs) await db.updateTable('groups').set({ last_seq: seq }).where('id', '=', g).execute();
      for (let i = 0; i < 12; i++) {
        const group = pick(grids);
        const at = DAY_START - 6 * DAY + Math.floor(rand() * 7 * DAY);
        const m = {
          group,
          at,
          category: pick(['dispute', 'safety', 'dispute', 'help']),
          status: pick(['open', 'in_progress', 'resolved', 'handed_off']),
        };
        seeded.matters.push(m);
        await db
          .insertInto('matters')
          .values({
            id: newId(),
            group_id: group,
            seq: 1,
            client_id: `mat-${i}`,
            category: m.category as 'dispute',
            title: `事项 ${i}`,
            status: m.status as 'open',
            assignee_id: null,
            department: null,
            answer_seq: null,
            created_by: sender,
            created_at: at,
            updated_at: at,
          })
          .execute();
      }

      reports = createReportService({
        db,
        notify: { reportCreated: (id) => notified.push(id) },
        defaults: { briefingTime: '07:30', timeZone: 'Asia/Shanghai' },
        now: () => NOW,
      });
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Expected figures, counted here from the seeded rows for [start, end). */
    function expected(start: number, end: number) {
      const inP = (at: number, s = start, e = end) => at >= s && at < e;
      const inc = seeded.incidents.filter((i) => i.station === station.id);
      const byCat = (s: number, e: number) => {
        const m: Record<string, number> = {};
        for (const i of inc.filter((x) => inP(x.at, s, e))) m[i.category] = (m[i.category] ?? 0) + 1;
        return m;
      };
      const ours = seeded.orders.filter((o) => o.scope === station.id);
      const periodOrders = ours.filter((o) => inP(o.at));
      const rec = periodOrders.flatMap((o) => o.recipients.map((r) => ({ o, r })));
      const late = ours
        .filter((o) => o.at < end && o.at >= end - 30 * DAY)
        .flatMap((o) => o.recipients.map((r) => ({ o, r })))
        .filter(
          ({ o, r }) =>
            (o.ackDue < end && (r.ack === null || r.ack >= end)) ||
            (o.completeDue < end && (r.done === null || r.done >= end)),
        );
      const msgs = seeded.messages.filter((m) => grids.includes(m.group));
      const before = (x: number | null) => x !== null && x < end;
      // Local dates in Shanghai (UTC+8, no daylight saving), by hand: every date from start's to the one holding end - 1.
      const dateOf = (at: number) => new Date(at + 8 * H).toISOString().slice(0, 10);
      const dates: string[] = [];
      for (let d = Date.parse(`${dateOf(start)}T00:00:00Z`); d <= Date.parse(`${dateOf(end - 1)}T00:00:00Z`); d += DAY)
        dates.push(new Date(d).toISOString().slice(0, 10));
      const periodCats = Object.keys(byCat(start, end));
      const daily = dates.map((date) => ({
        date,
        byCategory: Object.fromEntries(
          periodCats.map((c) => [c, inc.filter((i) => inP(i.at) && i.category === c && dateOf(i.at) === date).length]),
        ),
      }));
      return {
        daily,
        delivered: rec.filter(({ r }) => before(r.delivered) || before(r.read) || before(r.ack) || before(r.done))
          .length,
        read: rec.filter(({ r }) => before(r.read) || before(r.ack) || before(r.done)).length,
        incidents: inc.filter((i) => inP(i.at)).length,
        previousIncidents: inc.filter((i) => inP(i.at, start - (end - start), start)).length,
        byCategory: byCat(start, end),
        issued: periodOrders.length,
        assignments: rec.length,
        acknowledged: rec.filter(({ r }) => r.ack !== null && r.ack < end).length,
        acknowledgedOnTime: rec.filter(({ o, r }) => r.ack !== null && r.ack < end && r.ack <= o.ackDue).length,
        completed: rec.filter(({ r }) => r.done !== null && r.done < end).length,
        completedOnTime: rec.filter(({ o, r }) => r.done !== null && r.done < end && r.done <= o.completeDue).length,
        overdue: late.length,
        messages: msgs.filter((m) => inP(m.at)).length,
        previousMessages: msgs.filter((m) => inP(m.at, start - (end - start), start)).length,
        openMatters: seeded.matters.filter((m) => m.at < end && ['open', 'in_progress'].includes(m.status)).length,
        newMatters: seeded.matters.filter((m) => inP(m.at)).length,
        newDisputes: seeded.matters.filter((m) => inP(m.at) && m.category === 'dispute').length,
        people: new Map(
          [...new Set(rec.map(({ r }) => r.user))].map((u) => [
            u,
            {
              assigned: rec.filter(({ r }) => r.user === u).length,
              acknowledgedOnTime: rec.filter(
                ({ o, r }) => r.user === u && r.ack !== null && r.ack <= o.ackDue && r.ack < end,
              ).length,
            },
          ]),
        ),
      };
    }

    function checkFigures(report: ReportDocument, start: number, end: number) {
      const e = expected(start, end);
      const f = report.figures;
      expect(f.incidents.total.current).toBe(e.incidents);
      expect(f.incidents.total.previous).toBe(e.previousIncidents);
      for (const [cat, count] of Object.entries(e.byCategory))
        expect(f.incidents.byCategory.find((c) => c.category === cat)?.current).toBe(count);
      // Nothing recorded a year back: 同比 is "—", not 0.
      expect(f.incidents.total.lastYear).toBeNull();
      expect(f.incidents.total.yearPct).toBeNull();
      expect(f.incidents.daily).toEqual(e.daily);
      expect(f.orders).toMatchObject({
        assignments: e.assignments,
        delivered: e.delivered,
        read: e.read,
        acknowledged: e.acknowledged,
        acknowledgedOnTime: e.acknowledgedOnTime,
        completed: e.completed,
        completedOnTime: e.completedOnTime,
        overdue: e.overdue,
      });
      expect(f.orders.issued.current).toBe(e.issued);
      expect(f.groups).toMatchObject({
        openMatters: e.openMatters,
        newMatters: e.newMatters,
        newDisputes: e.newDisputes,
      });
      expect(f.groups.messages.current).toBe(e.messages);
      expect(f.groups.messages.previous).toBe(e.previousMessages);
      return e;
    }

    it('counts a daily report exactly over the local day (boundaries included at the start, excluded at the end)', async () => {
      const { report, created } = await reports.request(dispatcher, { kind: 'daily', unitId: station.id });
      expect(created).toBe(true);
      expect([report.periodStart, report.periodEnd]).toEqual([DAY_START, DAY_END]);
      const e = checkFigures(report, DAY_START, DAY_END);
      expect(e.incidents).toBeGreaterThan(2);
      expect(report.figures.incidents.daily?.map((d) => d.date)).toEqual(['2026-11-22']);
      // The funnel narrows at each stage, and the seed makes every stage a different count.
      const o = report.figures.orders;
      expect(new Set([o.assignments, o.delivered, o.read, o.acknowledged, o.completed]).size).toBe(5);
      for (const p of report.figures.orders.people) {
        expect(e.people.get(p.userId)).toEqual({ assigned: p.assigned, acknowledgedOnTime: p.acknowledgedOnTime });
      }
      expect(report.figures.orders.people.length).toBe(e.people.size);
      expect(report.figures.hotline).toEqual({ available: false, reason: 'hotline module not running' });
      expect(report.sections.find((s) => s.key === 'hotline')?.sentences[0]?.text).toBe('所长热线数据暂不可用。');
      // Per-unit rows add up to the per-person totals.
      const sum = report.figures.units.reduce((a, u) => a + u.assignments, 0);
      expect(sum).toBe(report.figures.orders.people.reduce((a, p) => a + p.assigned, 0));
      expect(notified).toContain(report.id);
    });

    it('adds a branch up from its stations, one breakdown row per station', async () => {
      // The first two demo stations (桃源, 海昌) are both in 中山分局.
      const { parent_id: branchId } = await store.db
        .selectFrom('units')
        .select('parent_id')
        .where('id', '=', station.id)
        .executeTakeFirstOrThrow();
      const { report } = await reports.request(bot, { kind: 'daily', unitId: branchId! });
      const e = expected(DAY_START, DAY_END);
      const otherInPeriod = seeded.incidents.filter(
        (i) => i.station === other.id && i.at >= DAY_START && i.at < DAY_END,
      ).length;
      expect(report.figures.units.find((u) => u.unitId === station.id)).toMatchObject({
        incidents: e.incidents,
        messages: e.messages,
      });
      expect(report.figures.units.find((u) => u.unitId === other.id)).toMatchObject({
        incidents: otherInPeriod,
        messages: 15,
      });
      expect(report.figures.incidents.total.current).toBe(e.incidents + otherInPeriod);
      expect(report.figures.groups.messages.current).toBe(e.messages + 15);
      await expect(reports.request(bot, { kind: 'briefing', unitId: branchId! })).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });

    it('builds the briefing over the 24 hours up to now, with focus items drawn from what is late', async () => {
      const { report } = await reports.request(dispatcher, { kind: 'briefing', unitId: station.id });
      expect([report.periodStart, report.periodEnd]).toEqual([NOW - DAY, NOW]);
      const e = checkFigures(report, NOW - DAY, NOW);
      // 24 hours from 09:00 local: two partial local dates, split at local midnight (16:00 UTC).
      expect(report.figures.incidents.daily?.map((d) => d.date)).toEqual(['2026-11-22', '2026-11-23']);
      const perDay = (report.figures.incidents.daily ?? []).map((d) =>
        Object.values(d.byCategory).reduce((a, b) => a + b, 0),
      );
      expect(perDay).toEqual([
        seeded.incidents.filter((i) => i.station === station.id && i.at >= NOW - DAY && i.at < DAY_END).length,
        seeded.incidents.filter((i) => i.station === station.id && i.at >= DAY_END && i.at < NOW).length,
      ]);
      expect(perDay[1]).toBeGreaterThan(0);
      if (e.overdue > 0) expect(report.figures.focus.some((x) => x.rule === 'overdue')).toBe(true);
      expect(report.sections.map((s) => s.key)).toEqual([
        'incidents',
        'notable',
        'orders',
        'overdue',
        'hotline',
        'groups',
        'conversations',
        'duty',
        'focus',
      ]);
    });

    it('keeps one report per unit, kind and period, even when asked many times at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, () => reports.request(bot, { kind: 'weekly', unitId: station.id })),
      );
      expect(new Set(results.map((r) => r.report.id)).size).toBe(1);
      expect(results.filter((r) => r.created).length).toBe(1);
      // The week Monday 16 to Sunday 22 November: seven local dates, the seeded incidents of 20–22 on theirs.
      const week = results[0]!.report;
      expect(week.figures.incidents.daily).toEqual(expected(week.periodStart, week.periodEnd).daily);
      expect(week.figures.incidents.daily?.map((d) => d.date)).toEqual([
        '2026-11-16',
        '2026-11-17',
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
        '2026-11-21',
        '2026-11-22',
      ]);
      const rows = await store.db.selectFrom('reports').select('id').where('kind', '=', 'weekly').execute();
      expect(rows).toHaveLength(1);
    });

    it('reports an empty period as zeros, with comparisons "—" where there is no earlier data', async () => {
      const { report } = await reports.request(dispatcher, { kind: 'daily', unitId: station.id, period: '2026-11-01' });
      expect(report.figures.incidents.total).toEqual({
        current: 0,
        previous: null,
        lastYear: null,
        changePct: null,
        yearPct: null,
      });
      expect(report.figures.incidents.daily).toEqual([{ date: '2026-11-01', byCategory: {} }]);
      expect(report.figures.groups.messages.current).toBe(0);
      expect(report.figures.orders.assignments).toBe(0);
      expect(report.sections.find((s) => s.key === 'incidents')?.sentences[0]?.text).toContain('同比 —');
    });

    it('refuses bad requests and stores nothing', async () => {
      const before = (await store.db.selectFrom('reports').select('id').execute()).length;
      await expect(reports.request(resident, { kind: 'daily', unitId: station.id })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(reports.request(officer, { kind: 'briefing', unitId: station.id })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(reports.request(foreignDispatcher, { kind: 'daily', unitId: station.id })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(
        reports.request(dispatcher, { kind: 'daily', unitId: station.id, period: '2026-11-23' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(
        reports.request(dispatcher, { kind: 'monthly', unitId: station.id, period: '2027-01-05' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      // A period years back (or in 1970) is not looked back on: no report of nothing is stored.
      await expect(
        reports.request(dispatcher, { kind: 'daily', unitId: station.id, period: '2019-05-01' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(
        reports.request(bot, { kind: 'daily', unitId: station.id, periodStart: shMidnight(1970, 1, 2) }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(reports.request(dispatcher, { kind: 'daily', unitId: 'no-such-unit' })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(reports.request(dispatcher, { kind: 'daily', unitId: dispatcher.unitId })).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(
        reports.request(bot, { kind: 'daily', unitId: station.id, periodStart: DAY_START + H }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(
        reports.request(dispatcher, { kind: 'daily', unitId: station.id, periodStart: DAY_START }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      expect((await store.db.selectFrom('reports').select('id').execute()).length).toBe(before);
      const any = (await store.db.selectFrom('reports').select('id').executeTakeFirstOrThrow()).id;
      await expect(reports.get(resident, any)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(reports.get(foreignDispatcher, any)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(reports.list(resident, {})).rejects.toMatchObject({ code: 'forbidden' });
      expect(await reports.list(foreignDispatcher, {})).toEqual([]);
    });

    it('takes summaries once, only citing messages of the conversation and period, and serves the cited messages', async () => {
      const { report } = await reports.request(bot, { kind: 'daily', unitId: station.id });
      const conversations = await reports.conversations(bot, report.id);
      expect(conversations.length).toBeGreaterThan(0);
      for (const c of conversations)
        for (const m of c.messages) expect(m.createdAt >= DAY_START && m.createdAt < DAY_END).toBe(true);
      const c0 = conversations[0]!;
      const outside = await store.db
        .selectFrom('messages')
        .select('id')
        .where('group_id', '=', c0.groupId)
        .where('created_at', '<', DAY_START)
        .executeTakeFirstOrThrow();
      await expect(
        reports.storeSummaries(bot, report.id, {
          conversations: [{ groupId: c0.groupId, sentences: [{ text: '停车问题', sources: [outside.id] }] }],
          topics: [],
        }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(
        reports.storeSummaries(dispatcher, report.id, { conversations: [], topics: [] }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      const cited = c0.messages.slice(0, 2).map((m) => m.id);
      const first = await reports.storeSummaries(bot, report.id, {
        conversations: [{ groupId: c0.groupId, sentences: [{ text: '居民反映门口停车问题', sources: cited }] }],
        topics: [{ term: '停车', count: 9 }],
      });
      expect(first.stored).toBe(true);
      const again = await reports.storeSummaries(bot, report.id, { conversations: [], topics: [] });
      expect(again.stored).toBe(false);
      const doc = await reports.get(dispatcher, report.id);
      expect(doc.summarised).toBe(true);
      expect(doc.sections.find((s) => s.key === 'conversations')?.sentences[0]).toEqual({
        text: `${c0.name}：居民反映门口停车问题`,
        sources: cited,
      });
      const sources = await reports.sources(dispatcher, report.id);
      expect(sources.map((m) => m.id).sort()).toEqual([...cited].sort());
      await expect(reports.sources(dispatcher, report.id, [outside.id])).rejects.toMatchObject({ code: 'not_found' });
      await expect(reports.sources(resident, report.id)).rejects.toMatchObject({ code: 'forbidden' });
    });

    it("shows the hotline module's figures for the period when it runs", async () => {
      const withHotline = createReportService({
        db: store.db,
        notify: { reportCreated: () => {} },
        defaults: { briefingTime: '07:30', timeZone: 'Asia/Shanghai' },
        hotline: (ids, from, to) => hotlineFigures(store.db, ids, from, to),
        now: () => NOW,
      });
      const { report } = await withHotline.request(dispatcher, {
        kind: 'daily',
        unitId: station.id,
        period: '2026-11-21',
      });
      expect(report.figures.hotline).toEqual({
        available: true,
        figures: await hotlineFigures(store.db, [station.id], report.periodStart, report.periodEnd),
      });
      expect(report.sections.find((s) => s.key === 'hotline')?.sentences[0]?.text).toMatch(/^新增 0 条，未答复 0 条/);
    });

    it('lets exactly one bot claim the posting', async () => {
      const { report } = await reports.request(bot, { kind: 'monthly', unitId: station.id });
      const claims = await Promise.all(Array.from({ length: 5 }, () => reports.claimPost(bot, report.id)));
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      await expect(reports.claimPost(dispatcher, report.id)).rejects.toMatchObject({ code: 'forbidden' });
    });

    it('lets the station head move the briefing time, and the schedule follows it', async () => {
      const head = await store.db
        .selectFrom('users')
        .select(['id', 'role', 'unit_id'])
        .where('role', '=', 'station_head')
        .where('unit_id', '=', station.id)
        .executeTakeFirstOrThrow();
      const headActor: Actor = { id: head.id, role: head.role, unitId: head.unit_id };
      await expect(
        reports.setSettings(dispatcher, station.id, { briefingTime: '08:00', timeZone: 'Asia/Shanghai' }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      await expect(
        reports.setSettings(resident, station.id, { briefingTime: '08:00', timeZone: 'Asia/Shanghai' }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      expect(
        await reports.setSettings(headActor, station.id, { briefingTime: '08:45', timeZone: 'Asia/Shanghai' }),
      ).toEqual({ unitId: station.id, briefingTime: '08:45', timeZone: 'Asia/Shanghai' });
      const briefing = (await reports.due(bot)).find((d) => d.unitId === station.id && d.kind === 'briefing');
      expect(briefing?.periodEnd).toBe(DAY_END + 8.75 * H);
      await reports.setSettings(headActor, station.id, { briefingTime: '07:30', timeZone: 'Asia/Shanghai' });
    });

    it('lists what the schedule wants: the latest period of each kind per station and branch', async () => {
      const due = await reports.due(bot);
      const ours = due.filter((d) => d.unitId === station.id);
      expect(ours.map((d) => d.kind)).toEqual(['briefing', 'daily', 'weekly', 'monthly']);
      expect(ours.find((d) => d.kind === 'briefing')).toMatchObject({
        periodStart: DAY_END + 7.5 * H - DAY,
        periodEnd: DAY_END + 7.5 * H,
        reportId: null,
      });
      expect(ours.find((d) => d.kind === 'daily')).toMatchObject({ periodStart: DAY_START, posted: false });
      expect(ours.find((d) => d.kind === 'daily')?.reportId).toBeTruthy();
      expect(due.filter((d) => d.kind === 'briefing').length).toBe(3);
      await expect(reports.due(dispatcher)).rejects.toMatchObject({ code: 'forbidden' });
    });
  });
}
