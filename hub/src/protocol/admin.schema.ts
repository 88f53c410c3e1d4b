import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import type {
  UnitCreateBody,
  UnitPatchBody,
  PeopleQuery,
  PersonCreateBody,
  PersonPatchBody,
  ResidentsQuery,
  AuditQuery,
} from './admin.ts';
import { ASSIGNABLE_ROLES, LOGIN_PATTERN, RESIDENT_STATUSES, STAFF_PHONE_PATTERN, UNIT_CODE_PATTERN } from './admin.ts';
import { UNIT_KINDS } from './roles.ts';

const id = z.string().min(1).max(64);
const unitName = z.string().trim().min(1).max(64);
const unitCode = z.string().trim().regex(UNIT_CODE_PATTERN, 'letters, digits, _ and - (up to 32)');
const personName = z.string().trim().min(1).max(32);
const rank = z.string().trim().max(32);
const phone = z.string().trim().regex(STAFF_PHONE_PATTERN, 'a phone number');
/** List cursors are opaque to clients. */
const cursor = z.string().max(200).optional();

/** POST /api/admin/units */
export const unitCreateBody = z.object({
  parentId: id.nullable(),
  kind: z.enum(UNIT_KINDS),
  name: unitName,
  code: unitCode.optional(),
});

/** PATCH /api/admin/units/:id */
export const unitPatchBody = z
  .object({ name: unitName.optional(), code: unitCode.optional(), parentId: id.optional() })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

/** GET /api/admin/people */
export const peopleQuery = z.object({
  unitId: id.optional(),
  role: z.enum(ASSIGNABLE_ROLES).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  q: z.string().trim().max(64).optional(),
  cursor,
});

/** POST /api/admin/people */
export const personCreateBody = z.object({
  login: z.string().trim().regex(LOGIN_PATTERN, 'letters, digits, . _ - (2 to 32)'),
  name: personName,
  rank: rank.nullable().optional(),
  role: z.enum(ASSIGNABLE_ROLES),
  unitId: id,
  phone: phone.nullable().optional(),
});

/** PATCH /api/admin/people/:id */
export const personPatchBody = z
  .object({
    name: personName.optional(),
    rank: rank.nullable().optional(),
    phone: phone.nullable().optional(),
    role: z.enum(ASSIGNABLE_ROLES).optional(),
    unitId: id.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

/** GET /api/admin/residents */
export const residentsQuery = z.object({
  gridId: id.optional(),
  status: z.enum(RESIDENT_STATUSES).optional(),
  q: z.string().trim().max(64).optional(),
  cursor,
});

/** POST /api/admin/residents/:id/reject */
export const residentRejectBody = z.object({ reason: z.string().trim().min(1).max(200) });
/** POST /api/admin/residents/:id/move */
export const residentMoveBody = z.object({ gridId: id });

/** ?apply=0|1 of an import: a dry run unless 1. */
export const importQuery = z.object({ apply: z.enum(['0', '1']).default('0') });

/** GET /api/admin/audit (and audit.csv) */
export const auditQuery = z.object({
  actorId: id.optional(),
  action: z.string().trim().max(64).optional(),
  targetType: z.string().trim().max(32).optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  cursor,
});

/** Route parameter :id of every admin route. */
export const adminIdParam = id;

type _Checks = [
  Assert<Equals<z.infer<typeof unitCreateBody>, UnitCreateBody>>,
  Assert<Equals<z.infer<typeof unitPatchBody>, UnitPatchBody>>,
  Assert<Equals<z.infer<typeof peopleQuery>, PeopleQuery>>,
  Assert<Equals<z.infer<typeof personCreateBody>, PersonCreateBody>>,
  Assert<Equals<z.infer<typeof personPatchBody>, PersonPatchBody>>,
  Assert<Equals<z.infer<typeof residentsQuery>, ResidentsQuery>>,
  Assert<Equals<z.infer<typeof auditQuery>, AuditQuery>>,
];
