import type { NextFunction, Request, Response } from 'express';
import { mustChangePassword } from '../auth/authenticator.ts';
import { errors } from '../errors.ts';
import type { HubLocals } from '../auth/http-auth.ts';

/**
 * The routes a person with a temporary password may still use (paths under /api). `/setup` is
 * public anyway (is set-up needed?); the web asks it on every start, signed in or not.
 */
const OPEN_WHILE_TEMPORARY = new Set(['/auth/me', '/auth/logout', '/account/password', '/setup']);

/**
 * API guard after authentication: with a temporary password, every route but the password change
 * (and "who am I", log-out) answers 403 password_change_required. Socket commands are refused the
 * same way in the command router.
 */
export function passwordChangeGate() {
  return (req: Request, res: Response<unknown, HubLocals>, next: NextFunction) => {
    if (mustChangePassword(res.locals.principal) && !OPEN_WHILE_TEMPORARY.has(req.path.replace(/\/$/, '')))
      return next(errors.passwordChangeRequired());
    next();
  };
}
