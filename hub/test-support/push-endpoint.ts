import { createDecipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionService } from '../src/auth/session.service.ts';
import type { Hub } from '../src/hub.ts';
import { SESSION_COOKIE } from '../src/protocol/index.ts';

/** What the stand-in push service answers for one endpoint: a status, or a list used up one per request. */
export type EndpointBehaviour = number | number[];

/** A device's subscription as a browser would make it: its own P-256 key pair and auth secret. */
export interface TestDevice {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** Decrypts an aes128gcm body sent to this device (RFC 8188 / RFC 8291). */
  decrypt(body: Buffer): string;
}

/** One request the stand-in received, decrypted with the device's keys when it answered 2xx. */
export interface ReceivedPush {
  device: string;
  status: number;
  headers: IncomingMessage['headers'];
  payload: string | null;
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** A new device: keys generated here, never known to the hub except through its subscription. */
export function newDevice(endpoint: string): TestDevice {
  const ecdh = createECDH('prime256v1');
  const uaPublic = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    endpoint,
    keys: { p256dh: uaPublic.toString('base64url'), auth: authSecret.toString('base64url') },
    decrypt(body) {
      // Header: salt (16) | record size (4) | key id length (1) | key id = the sender's public key.
      const salt = body.subarray(0, 16);
      const idLen = body.readUInt8(20);
      const asPublic = body.subarray(21, 21 + idLen);
      const ciphertext = body.subarray(21 + idLen);
      const shared = ecdh.computeSecret(asPublic);
      const prkKey = hmac(authSecret, shared);
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic, Buffer.from([1])]);
      const ikm = hmac(prkKey, keyInfo);
      const prk = hmac(salt, ikm);
      const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
      const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
      // The last record ends in the delimiter 0x02, then zero padding.
      let end = plain.length - 1;
      while (end >= 0 && plain[end] === 0) end--;
      if (plain[end] !== 2) throw new Error('no last-record delimiter');
      return plain.subarray(0, end).toString('utf8');
    },
  };
}

/**
 * A stand-in for a browser vendor's push service on 127.0.0.1: devices at `/d/<name>`, each
 * answering as told (201 by default), every request recorded and, when accepted, decrypted.
 */
export async function startPushEndpoint() {
  const devices = new Map<string, TestDevice>();
  const behaviour = new Map<string, EndpointBehaviour>();
  const received: ReceivedPush[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = decodeURIComponent((req.url ?? '').replace(/^\/d\//, ''));
      const b = behaviour.get(name) ?? 201;
      const status = Array.isArray(b) ? (b.length > 1 ? b.shift()! : b[0]!) : b;
      const device = devices.get(name);
      let payload: string | null = null;
      if (device && status < 300) payload = device.decrypt(Buffer.concat(chunks));
      received.push({ device: name, status, headers: req.headers, payload });
      res.writeHead(status).end();
      for (const w of waiters.filter((w) => received.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** A device whose subscription the test hands to the hub. */
    device(name: string, answer: EndpointBehaviour = 201): TestDevice {
      const d = newDevice(`${base}/d/${encodeURIComponent(name)}`);
      devices.set(name, d);
      behaviour.set(name, answer);
      return d;
    },
    /** Resolves once `n` requests in all have arrived. */
    until(n: number): Promise<void> {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type PushEndpoint = Awaited<ReturnType<typeof startPushEndpoint>>;

/**
 * Session cookies for many people at once, made the way a sign-in makes them (the session
 * service), without hashing a password per person: for tests with hundreds of signed-in devices.
 */
export async function signInMany(hub: Hub, userIds: string[]): Promise<Map<string, string>> {
  const sessions = createSessionService(hub.store.db, { idleMs: 3600_000, onExpired: () => {} });
  const out = new Map<string, string>();
  for (const id of userIds) out.set(id, `${SESSION_COOKIE}=${(await sessions.create(id)).token}`);
  return out;
}

/** A local HTTP server standing in for a bureau's SMS / voice gateway: records every call. */
export async function startWebhookReceiver() {
  const calls: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
