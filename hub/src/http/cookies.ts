import type { Response } from 'express';
import { SESSION_COOKIE } from '../protocol/index.ts';

/** The value of one cookie from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Sets the session cookie as the Lucia guide prescribes: HttpOnly, SameSite=Lax, Path=/, Secure behind https. */
export function setSessionCookie(res: Response, token: string, expiresAt: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.cookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: 0 });
}

/** The trusted-device cookie (auth/device-trust.ts): sent only to the sign-in routes, kept half a year. */
export const DEVICE_COOKIE = 'fq_device';
const DEVICE_COOKIE_MS = 180 * 24 * 3600_000;

export function setDeviceCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(DEVICE_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/api/auth',
    secure,
    maxAge: DEVICE_COOKIE_MS,
  });
}
