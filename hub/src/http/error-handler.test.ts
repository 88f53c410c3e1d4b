import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogin, login, readJson, startTestHub, type TestHub } from '../../test-support/index.ts';

describe('REST error mapping', () => {
  let t: TestHub;
  const levels: number[] = [];
  beforeAll(async () => {
    const write = (s: string) => void levels.push((JSON.parse(s) as { level: number }).level);
    t = await startTestHub({ log: pino({ level: 'info' }, { write }) });
  });
  afterAll(() => t?.close());

  it('answers malformed percent-encoding in a path parameter with 400 validation_failed, not a 500', async () => {
    const { cookie } = await login(t.url, await demoLogin(t.hub, 'station_head'));
    const before = levels.length;
    for (const path of ['/api/hotline/stations/%E0%A4%A', '/api/register/stations/%ZZ', '/api/reports/%C0']) {
      const res = await fetch(`${t.url}${path}`, { headers: { cookie, origin: t.url } });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(await readJson(res)).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', message: expect.stringMatching(/percent-encoding/) },
      });
    }
    // The access log notes each request; nothing at error level (no stack trace per probe).
    expect(levels.slice(before).filter((l) => l >= 50)).toEqual([]);
  });
});
