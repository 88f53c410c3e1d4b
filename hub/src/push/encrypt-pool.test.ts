import webPush from 'web-push';
import { afterEach, describe, expect, it } from 'vitest';
import { newDevice } from '../../test-support/push-endpoint.ts';
import { createEncryptPool, type EncryptPool } from './encrypt-pool.ts';

const vapidDetails = { subject: 'mailto:ops@example.test', ...webPush.generateVAPIDKeys() };
const options = { vapidDetails, TTL: 60, contentEncoding: 'aes128gcm' as const };

/** Push encryption on worker threads: real aes128gcm that the device's own keys open, errors passed back. */
describe('push encryption pool', () => {
  let pool: EncryptPool | undefined;
  afterEach(() => pool?.close());

  it('encrypts on the workers: each device decrypts its own payload, signed with the VAPID key', async () => {
    pool = createEncryptPool(2);
    const devices = Array.from({ length: 20 }, (_, i) => newDevice(`https://push.example.test/d/${i}`));
    const requests = await Promise.all(devices.map((d, i) => pool!.encrypt(d, `{"n":${i}}`, options)));
    for (const [i, req] of requests.entries()) {
      expect(req.endpoint).toBe(devices[i]!.endpoint);
      expect(req.method).toBe('POST');
      expect(req.headers['Content-Encoding']).toBe('aes128gcm');
      expect(req.headers.Authorization).toContain(vapidDetails.publicKey);
      expect(devices[i]!.decrypt(Buffer.from(req.body))).toBe(`{"n":${i}}`);
    }
  });

  it('refuses a subscription whose keys are not a P-256 point, and keeps working for the next', async () => {
    pool = createEncryptPool(1);
    const good = newDevice('https://push.example.test/d/good');
    const forged = { endpoint: good.endpoint, keys: { ...good.keys, p256dh: 'AAAA' } };
    await expect(pool.encrypt(forged, '{}', options)).rejects.toThrow(/p256dh/);
    const req = await pool.encrypt(good, '{"ok":true}', options);
    expect(good.decrypt(Buffer.from(req.body))).toBe('{"ok":true}');
  });

  it('answers nothing once closed', async () => {
    pool = createEncryptPool(1);
    await pool.close();
    await expect(pool.encrypt(newDevice('https://push.example.test/d/x'), '{}', options)).rejects.toThrow(/closed/);
  });
});
