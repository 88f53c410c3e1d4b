import type { NextFunction, Request, Response } from 'express';
import type { Authenticator, Principal } from './authenticator.ts';
import { errors } from '../errors.ts';
import { SESSION_COOKIE } from '../protocol/index.ts';
import { checkOrigin } from '../http/origin.ts';
import { readCookie } from '../http/cookies.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** res.locals as the hub's middleware leaves it. */
export interface HubLocals {
  principal?: Principal;
}

/**
 * Refuses state-changing requests from foreign origins (the cookie would ride along: CSRF).
 * A write without Origin or Sec-Fetch-Site is no browser's; it may go on, but only a bearer token
 * authenticates it (see `authenticate`).
 */
export function originGuard(publicOrigin: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (checkOrigin(originRequest(req), publicOrigin) === 'foreign') return next(errors.originRejected());
    next();
  };
}

/** Resolves the caller from `Authorization: Bearer …` or the session cookie into res.locals.principal. */
export function authenticate(auth: Authenticator, publicOrigin: string | undefined) {
  return async (req: Request, res: Response<unknown, HubLocals>, next: NextFunction) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const cookieAllowed = SAFE_METHODS.has(req.method) || checkOrigin(originRequest(req), publicOrigin) === 'same';
    const token = bearer ?? (cookieAllowed ? readCookie(req.headers.cookie, SESSION_COOKIE) : undefined);
    if (!token) return next();
    try {
      res.locals.principal = await auth.authenticate(token);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The request as the origin check sees it; `req.secure` is the socket's TLS (no proxy trust configured). */
const originRequest = (req: Request) => ({ headers: req.headers, secure: req.secure });

/** Route guard: the caller must be signed in. */
export function requirePrincipal(res: Response<unknown, HubLocals>): Principal {
  const p = res.locals.principal;
  if (!p) throw errors.unauthenticated();
  return p;
}
