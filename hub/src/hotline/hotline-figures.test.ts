import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.ts';
import { seedDemo } from '../org/demo-seed.ts';
import type { HotlineCategory, HotlineStatus } from '../protocol/index.ts';
import { openStore, type Store } from '../store/database.ts';
import { storeDialects } from '../../test-support/services.ts';
import { firstAnswerBands, hotlineFigures } from './hotline-figures.ts';

const MIN = 60_000;
const FROM = Date.UTC(2026, 10, 1);
const TO = Date.UTC(2026, 11, 1);

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`hotline figures on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let stationId: string;
    let otherStationId: string;
    const dir = mkdtempSync(join(tmpdir(), 'fq-hotline-fig-'));

    const thread = async (o: {
      station?: string;
      created: number;
      answeredAfterMin?: number;
      category?: HotlineCategory;
      status?: HotlineStatus;
      resolvedAfterMin?: number;
      score?: number;
      handedOff?: boolean;
      flagged?: boolean;
    }) => {
      const db = store.db;
      const resident = await db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'resident')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const id = newId();
      await db
        .insertInto('groups')
        .values({
          id,
          kind: 'hotline',
          unit_id: null,
          name: 'hotline',
          last_seq: 0,
          created_at: o.created,
          notice_text: null,
          notice_by: null,
          notice_at: null,
          pair_key: null,
        })
        .execute();
      await db
        .insertInto('hotline_threads')
        .values({
          id,
          station_id: o.station ?? stationId,
          resident_id: resident.id,
          client_id: id,
          category: o.category ?? 'help',
          status: o.status ?? (o.resolvedAfterMin !== undefined ? 'resolved' : 'open'),
          subject: '测试',
          place: null,
          created_at: o.created,
          due_at: o.created + 60 * MIN,
          first_answered_at: o.answeredAfterMin !== undefined ? o.created + o.answeredAfterMin * MIN : null,
          assignee_id: null,
          handoff_department: o.handedOff ? '区城市管理局' : null,
          handoff_reason: o.handedOff ? '城管职责' : null,
          handoff_at: o.handedOff ? o.created + MIN : null,
          handoff_by: null,
          resolution_summary: null,
          resolved_at: o.resolvedAfterMin !== undefined ? o.created + o.resolvedAfterMin * MIN : null,
          resolved_by: null,
          rating_score: o.score ?? null,
          rating_comment: null,
          rated_at: o.score ? o.created + 500 * MIN : null,
          overdue_flagged_at: o.flagged ? o.created + 60 * MIN : null,
          staff_read_seq: 0,
          staff_read_at: null,
          follow_up_at: null,
          follow_up_note: null,
          follow_up_done_at: null,
          updated_at: o.created,
        })
        .execute();
    };

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      store = await openStore({ databaseUrl: target.url, dataDir: dir });
      await seedDemo(store.db);
      const stations = await store.db
        .selectFrom('units')
        .select('id')
        .where('kind', '=', 'station')
        .orderBy('sort')
        .execute();
      stationId = stations[0]!.id;
      otherStationId = stations[1]!.id;
      // Ten answered after 1..10 minutes (all within the 60-minute target) and resolved after 100..1000.
      for (let i = 1; i <= 10; i++) {
        await thread({
          created: FROM + i * 3600_000,
          answeredAfterMin: i,
          resolvedAfterMin: i * 100,
          category: i <= 6 ? 'help' : 'complaint',
          score: i === 1 ? 5 : i === 2 ? 4 : i === 3 ? 2 : undefined,
        });
      }
      // One never answered and flagged overdue, one answered late and handed off.
      await thread({ created: FROM + 20 * 3600_000, category: 'dispute', flagged: true });
      await thread({
        created: FROM + 21 * 3600_000,
        answeredAfterMin: 90,
        category: 'suggestion',
        status: 'handed_off',
        handedOff: true,
        flagged: true,
      });
      // Outside the period (the end is excluded) or at another station: never counted.
      await thread({ created: TO, answeredAfterMin: 1 });
      await thread({ created: FROM - 1, answeredAfterMin: 1 });
      await thread({ station: otherStationId, created: FROM + 3600_000, answeredAfterMin: 1 });
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('counts threads of the stations and period, by category and status', async () => {
      const f = await hotlineFigures(store.db, [stationId], FROM, TO);
      expect(f.total).toBe(12);
      expect(f.byCategory).toEqual({ consultation: 0, help: 6, suggestion: 1, complaint: 4, dispute: 1 });
      expect(f.byStatus).toEqual({ open: 1, in_progress: 0, handed_off: 1, resolved: 10 });
      expect(f).toMatchObject({ answered: 11, answeredInTarget: 10, overdue: 2, handedOff: 1 });
      expect(f.answeredShare).toBeCloseTo(11 / 12);
    });

    it('gives time to first answer and to resolution as nearest-rank median and p90', async () => {
      const f = await hotlineFigures(store.db, [stationId], FROM, TO);
      // First answers: 1..10 and 90 minutes → 11 values; median = 6th, p90 = 10th.
      expect(f.timeToFirstAnswer).toEqual({ count: 11, medianMs: 6 * MIN, p90Ms: 10 * MIN });
      // Resolutions: 100..1000 minutes → median = 5th, p90 = 9th.
      expect(f.resolutionTime).toEqual({ count: 10, medianMs: 500 * MIN, p90Ms: 900 * MIN });
    });

    it('counts first answers in the fixed bands, and the unanswered threads beside them', async () => {
      const f = await hotlineFigures(store.db, [stationId], FROM, TO);
      // 1..10 minutes → < 15 min; 90 minutes → 1–2 h; one thread never answered.
      expect(f.firstAnswerBands).toEqual({ counts: [10, 0, 0, 1, 0, 0], unanswered: 1 });
      expect(f.firstAnswerBands.counts.reduce((a, b) => a + b, 0) + f.firstAnswerBands.unanswered).toBe(f.total);
      const empty = await hotlineFigures(store.db, [], FROM, TO);
      expect(empty.firstAnswerBands).toEqual({ counts: [0, 0, 0, 0, 0, 0], unanswered: 0 });
    });

    it('sums satisfaction from the ratings', async () => {
      const f = await hotlineFigures(store.db, [stationId], FROM, TO);
      expect(f.satisfaction.ratings).toBe(3);
      expect(f.satisfaction.average).toBeCloseTo(11 / 3);
      expect(f.satisfaction.satisfiedShare).toBeCloseTo(2 / 3);
      expect(f.satisfaction.distribution).toEqual([0, 1, 0, 1, 1]);
    });

    it('reports an empty period or no stations as zeros, with null durations', async () => {
      for (const f of [
        await hotlineFigures(store.db, [stationId], TO + 1, TO + 2),
        await hotlineFigures(store.db, [], FROM, TO),
      ]) {
        expect(f).toMatchObject({
          total: 0,
          answered: 0,
          answeredShare: 0,
          timeToFirstAnswer: { count: 0, medianMs: null, p90Ms: null },
          satisfaction: { ratings: 0, average: null, satisfiedShare: 0 },
        });
      }
    });
  });
}

describe('first-answer bands', () => {
  it('puts each bound into the band above it (bounds are exclusive upper limits)', () => {
    const H = 60 * MIN;
    const waits = [
      0,
      15 * MIN - 1,
      15 * MIN,
      30 * MIN - 1,
      30 * MIN,
      60 * MIN,
      2 * H - 1,
      2 * H,
      4 * H - 1,
      4 * H,
      50 * H,
    ];
    expect(firstAnswerBands(waits, 3)).toEqual({ counts: [2, 2, 1, 2, 2, 2], unanswered: 3 });
  });
});
