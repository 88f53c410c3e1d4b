import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempPostgres, serviceAvailable, startTestHub, type TestHub } from '@fengqiao/hub/test-support';

const ready = await serviceAvailable('postgres');
const DAY = 86_400_000;

/**
 * Two hubs on one PostgreSQL and one image folder run the retention sweep at the same moment:
 * the day's run happens once (one row, one audit entry), every row is deleted once, and a run
 * whose node died is taken over after its lease and goes on counting from where it stopped.
 */
describe.skipIf(!ready)('retention on two nodes', () => {
  let a: TestHub;
  let b: TestHub;
  let drop: () => Promise<void>;
  const imageDir = mkdtempSync(join(tmpdir(), 'fq-ret-multi-'));
  let seq = 0;

  /** Old audit entries, past the 30-day period. */
  async function seedOld(n: number): Promise<void> {
    const at = Date.now() - 90 * DAY;
    const rows = Array.from({ length: n }, () => ({
      id: `old-${String(++seq).padStart(8, '0')}`,
      at,
      actor_id: null,
      action: 'test.old',
      target_type: null,
      target_id: null,
      detail: null,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await a.hub.store.db
        .insertInto('audit_log')
        .values(rows.slice(i, i + 500))
        .execute();
  }
  const oldLeft = async () =>
    Number(
      (
        await a.hub.store.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('action', '=', 'test.old')
          .executeTakeFirstOrThrow()
      ).n,
    );
  const runEntries = () =>
    a.hub.store.db.selectFrom('audit_log').select('target_id').where('action', '=', 'retention.run').execute();

  beforeAll(async () => {
    const target = await createTempPostgres();
    drop = target.drop;
    // 00:00: the day's run is due whenever the test runs.
    const env = { IMAGE_DIR: imageDir, RETENTION_AUDIT_DAYS: '30', RETENTION_TIME: '00:00' };
    a = await startTestHub({ databaseUrl: target.url, env: { ...env, NODE_ID: 'node-a' } });
    b = await startTestHub({ databaseUrl: target.url, env: { ...env, NODE_ID: 'node-b' } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
    rmSync(imageDir, { recursive: true, force: true });
  });

  it("runs the day's sweep once when both nodes tick at the same moment", async () => {
    await seedOld(2500);
    const outcomes = await Promise.all([a.hub.retention.tick(), b.hub.retention.tick(), a.hub.retention.tick()]);
    const ran = outcomes.filter((o) => o.ran);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ counts: { auditEntries: 2500 } });
    expect(outcomes.filter((o) => !o.ran).map((o) => !o.ran && o.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(held_elsewhere|done)$/)]),
    );
    expect(await oldLeft()).toBe(0);
    const runs = await a.hub.store.db.selectFrom('retention_runs').selectAll().execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', finished_at: expect.any(Number) });
    expect(await runEntries()).toEqual([{ target_id: runs[0]!.id }]);
    // Later ticks that day find it done.
    expect(await b.hub.retention.tick()).toEqual({ ran: false, reason: 'done' });
  });

  it('takes over a run whose node died, after its lease, and goes on from its recorded counts', async () => {
    const db = a.hub.store.db;
    const [today] = await db.selectFrom('retention_runs').select('id').execute();
    // The day's run as a node that died mid-run left it: unfinished, lease run out, 7 deleted so far.
    await db
      .updateTable('retention_runs')
      .set({
        holder: 'dead-node',
        finished_at: null,
        lease_until: Date.now() - 1000,
        summary: JSON.stringify({
          groupMessages: 0,
          groupImages: 0,
          hotlineThreads: 0,
          auditEntries: 7,
          orphanFiles: 0,
        }),
      })
      .where('id', '=', today!.id)
      .execute();
    await seedOld(300);
    const outcomes = await Promise.all([a.hub.retention.tick(), b.hub.retention.tick()]);
    const ran = outcomes.filter((o) => o.ran);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ runId: today!.id, counts: { auditEntries: 307 } });
    expect(await oldLeft()).toBe(0);
  });

  it('deletes each row once when two runs of their own overlap', async () => {
    await seedOld(3000);
    const before = (await runEntries()).length;
    const outcomes = await Promise.all([a.hub.retention.runNow(), b.hub.retention.runNow()]);
    const deleted = outcomes.reduce((sum, o) => sum + (o.ran ? o.counts.auditEntries : 0), 0);
    expect(outcomes.every((o) => o.ran)).toBe(true);
    expect(deleted).toBe(3000);
    expect(await oldLeft()).toBe(0);
    // One audit entry per run that deleted anything (a run that found nothing left only logs).
    const deleting = outcomes.filter((o) => o.ran && Object.values(o.counts).some((n) => n > 0)).length;
    expect(deleting).toBeGreaterThanOrEqual(1);
    expect((await runEntries()).length).toBe(before + deleting);
  });
});
