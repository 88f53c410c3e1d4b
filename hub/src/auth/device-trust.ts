import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The person a device token is bound to: the token is keyed with their password hash. */
interface Account {
  id: string;
  password_hash: string | null;
}

/**
 * Trusted-device tokens (OWASP "device cookies"): set after a successful sign-in, they let that
 * device keep its own failure count on the account, apart from everybody else's. A token is
 * `<device id>.<MAC>`, the MAC an HMAC-SHA256 of account and device id keyed with the account's
 * password hash: every node can check it without a table or a shared secret, it is bound to one
 * account, and a password change revokes every device of that account.
 */
export function issueDeviceToken(user: Account, deviceId?: string): string | undefined {
  if (!user.password_hash) return undefined;
  const id = deviceId ?? randomBytes(16).toString('base64url');
  return `${id}.${mac(user.password_hash, user.id, id)}`;
}

/** The device id when `token` was issued to this account's current password, else undefined. */
export function trustedDeviceId(token: string | undefined, user: Account | undefined): string | undefined {
  if (!token || !user?.password_hash || token.length > 200) return undefined;
  const [id, given, extra] = token.split('.');
  if (!id || !given || extra !== undefined) return undefined;
  const want = Buffer.from(mac(user.password_hash, user.id, id));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want) ? id : undefined;
}

const mac = (key: string, userId: string, deviceId: string) =>
  createHmac('sha256', key).update(`fq-device\0${userId}\0${deviceId}`).digest('base64url');
