import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { PHONE_PATTERN, type RegisterBody } from './registration.ts';

/** POST /api/register: a resident signs up for their grid (then a staff member approves them into its group). */
export const registerBody = z.object({
  phone: z.string().trim().regex(PHONE_PATTERN, 'a mainland mobile number, 11 digits'),
  name: z.string().trim().min(1).max(32),
  password: z.string().min(8).max(128),
  stationCode: z.string().trim().min(1).max(32),
  gridId: z.string().min(1).max(64),
});

type _Checks = [Assert<Equals<z.infer<typeof registerBody>, RegisterBody>>];
