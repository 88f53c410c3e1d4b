import { z } from 'zod';

/** Records are kept at least this long when a period is set: a typo must not wipe recent police records. */
export const MIN_RECORD_DAYS = 30;
const MAX_DAYS = 36_500;

const days = z.coerce
  .number()
  .int('whole days')
  .min(MIN_RECORD_DAYS, `at least ${MIN_RECORD_DAYS} days (unset keeps everything)`)
  .max(MAX_DAYS)
  .optional();

/** The environment variables of retention (listed in the README); unset periods keep records forever. */
const retentionEnv = z.object({
  RETENTION_GROUP_MESSAGES_DAYS: days,
  RETENTION_GROUP_IMAGES_DAYS: days,
  RETENTION_HOTLINE_DAYS: days,
  RETENTION_AUDIT_DAYS: days,
  RETENTION_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
    .default('03:30'),
});

/** How long each kind of record is kept, in days; undefined keeps it forever. */
export interface RetentionPeriods {
  /** Messages of group chats (every conversation that is not a hotline thread). */
  groupMessages: number | undefined;
  /** Images posted in group chats, with their files. */
  groupImages: number | undefined;
  /** Resolved hotline threads, counted from their resolution, with their messages, images and notes. */
  hotline: number | undefined;
  audit: number | undefined;
}

export interface RetentionConfig {
  periods: RetentionPeriods;
  /** Local time (in the report time zone) after which each day's sweep runs, HH:MM. */
  time: string;
}

/** Reads the retention settings from the environment config.ts was given; throws with every problem listed. */
export function loadRetentionConfig(env: Record<string, string | undefined>): RetentionConfig {
  const parsed = retentionEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    periods: {
      groupMessages: e.RETENTION_GROUP_MESSAGES_DAYS,
      groupImages: e.RETENTION_GROUP_IMAGES_DAYS,
      hotline: e.RETENTION_HOTLINE_DAYS,
      audit: e.RETENTION_AUDIT_DAYS,
    },
    time: e.RETENTION_TIME,
  };
}
