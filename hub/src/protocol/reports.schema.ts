import { z } from 'zod';
import type { Assert, Equals } from './type-equality.ts';
import { instant, instantQuery, localDate } from './time-window.schema.ts';
import { REPORT_KINDS, type ReportRequest, type ReportSettingsBody, type ReportSummariesBody } from './reports.ts';

const id = z.string().min(1).max(64);

export const reportRequest = z
  .object({
    kind: z.enum(REPORT_KINDS),
    unitId: id.optional(),
    via: z.object({ groupId: id, seq: z.number().int().positive() }).strict().optional(),
    period: localDate.optional(),
    periodStart: instant.optional(),
  })
  .strict()
  .refine((r) => r.unitId !== undefined || r.via !== undefined, { message: 'give unitId or via', path: ['unitId'] });

export const reportListQuery = z.object({
  unitId: id.optional(),
  kind: z.enum(REPORT_KINDS).optional(),
  before: instantQuery.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

const sentence = z.object({ text: z.string().trim().min(1).max(500), sources: z.array(id).max(20) }).strict();
export const reportSummariesBody = z
  .object({
    conversations: z.array(z.object({ groupId: id, sentences: z.array(sentence).max(10) }).strict()).max(20),
    topics: z
      .array(z.object({ term: z.string().trim().min(1).max(30), count: z.number().int().nonnegative() }).strict())
      .max(20),
  })
  .strict();

export const reportPostedBody = z.object({ groupId: id, seq: z.number().int().positive() }).strict();

export const reportSettingsBody = z
  .object({
    briefingTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'an IANA time zone'),
  })
  .strict();

type _Checks = [
  Assert<Equals<z.infer<typeof reportRequest>, ReportRequest>>,
  Assert<Equals<z.infer<typeof reportSummariesBody>, ReportSummariesBody>>,
  Assert<Equals<z.infer<typeof reportSettingsBody>, ReportSettingsBody>>,
];
