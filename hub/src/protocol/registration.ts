import { z } from 'zod';

/** Mainland mobile numbers: residents sign in with theirs. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;

/** POST /api/register: a resident signs up for their grid (then a staff member approves them into its group). */
export const registerBody = z.object({
  phone: z.string().trim().regex(PHONE_PATTERN, 'a mainland mobile number, 11 digits'),
  name: z.string().trim().min(1).max(32),
  password: z.string().min(8).max(128),
  stationCode: z.string().trim().min(1).max(32),
  gridId: z.string().min(1).max(64),
});
export type RegisterBody = z.infer<typeof registerBody>;

/**
 * POST /api/register answers 202 with this whether or not the number was already registered, so
 * the answer does not tell who is; a new resident then signs in with the number and password.
 */
export interface RegisterResponse {
  ok: true;
  status: 'submitted';
}

/** GET /api/register/stations/:code: what the registration page (or a station's QR link) offers. */
export interface RegistrationOptions {
  ok: true;
  station: { code: string; name: string };
  communities: { id: string; name: string; grids: { id: string; name: string }[] }[];
}
