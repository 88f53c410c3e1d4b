import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeDialects } from '@fengqiao/hub/test-support';
import { spawnHub, type HubProcess } from './support/hub-process.ts';

/**
 * A demo hub started as `pnpm start` starts it seeds its month of history (DEMO_HISTORY_DAYS
 * defaults to 30) and still prints its banner within spawnHub's 30 s, on either store. The
 * seeding time is logged (`ms`) and printed here for the record, not asserted.
 */
for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`a demo hub's first start with history on ${dialect.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'fq-history-start-'));
    let hub: HubProcess | undefined;
    let drop = async () => {};
    afterAll(async () => {
      hub?.child.kill('SIGTERM');
      await hub?.exited;
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('seeds the month once and prints its banner', async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      hub = await spawnHub({ DATA_DIR: dir, LOG_LEVEL: 'info', LOG_FORMAT: 'json', DATABASE_URL: target.url ?? '' });
      const line = hub
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string; ms?: number; incidents?: number; messages?: number })
        .find((l) => l.msg === 'demo history created');
      expect(line).toMatchObject({
        incidents: expect.any(Number),
        messages: expect.any(Number),
        ms: expect.any(Number),
      });
      expect(line!.incidents).toBeGreaterThan(0);
      console.log(`demo history on ${dialect.name}: ${JSON.stringify(line)}`);
    });
  });
}
