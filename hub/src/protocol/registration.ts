/** Mainland mobile numbers: residents sign in with theirs. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;

/** POST /api/register: a resident signs up for their grid (then a staff member approves them into its group). */
export interface RegisterBody {
  phone: string;
  name: string;
  password: string;
  stationCode: string;
  gridId: string;
}

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
