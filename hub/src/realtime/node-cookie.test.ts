import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test-support/index.ts';
import { nodeCookie } from './node-cookie.ts';

/** The raw answer headers of one request to the engine endpoint (no socket.io-client: it hides them). */
function engineHeaders(url: string, query: string, headers: Record<string, string> = {}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/socket.io/?EIO=4&${query}`, { headers }, (res) => {
      res.resume();
      resolve(res.headers['set-cookie'] ?? []);
    });
    // A websocket upgrade answers 101 through 'upgrade', not the response callback.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.headers['set-cookie'] ?? []);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('node cookie for sticky proxies', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { NODE_ID: 'hub-3001' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('names this node on the first long-polling request of a session', async () => {
    expect(await engineHeaders(t.url, 'transport=polling')).toEqual([
      'fq_node=hub-3001; Path=/; HttpOnly; SameSite=Lax',
    ]);
  });

  it('names this node on a websocket upgrade too', async () => {
    const cookies = await engineHeaders(t.url, 'transport=websocket', {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    expect(cookies).toEqual(['fq_node=hub-3001; Path=/; HttpOnly; SameSite=Lax']);
  });

  it('is Secure behind https and escapes node ids that are not cookie-safe', () => {
    expect(nodeCookie('hub a;b', true)).toBe('fq_node=hub%20a%3Bb; Path=/; HttpOnly; SameSite=Lax; Secure');
  });
});
