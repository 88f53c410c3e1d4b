/** What a matter raised in a group is about; disputes follow the "six musts" (domain.md). */
export const MATTER_CATEGORIES = ['dispute', 'safety', 'public_order', 'help', 'suggestion', 'other'] as const;
export type MatterCategory = (typeof MATTER_CATEGORIES)[number];

/** open → in progress → resolved; or handed to another department (一报警三分发). */
export const MATTER_STATUSES = ['open', 'in_progress', 'resolved', 'handed_off'] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];

/** Longest matter title, and longest name of the department a matter is handed to. */
export const MAX_MATTER_TITLE = 100;
export const MAX_MATTER_DEPARTMENT = 100;

/** 登记问题: turn a group message into a tracked matter. */
export interface MatterCreatePayload {
  groupId: string;
  seq: number;
  clientId: string;
  category: MatterCategory;
  title: string;
  assigneeId?: string | undefined;
}

export type MatterUpdatePayload =
  | { action: 'start'; matterId: string }
  | { action: 'assign'; matterId: string; assigneeId: string }
  | { action: 'hand_off'; matterId: string; department: string; note?: string | undefined }
  /** Resolving posts the answer into the group, quoting the message the matter came from. */
  | { action: 'resolve'; matterId: string; clientId: string; answer: string };

export interface MatterListPayload {
  groupId: string;
  status?: MatterStatus | undefined;
}

export interface MatterView {
  id: string;
  groupId: string;
  /** The message the matter was raised from. */
  seq: number;
  category: MatterCategory;
  title: string;
  status: MatterStatus;
  assignee: { id: string; name: string } | null;
  department: string | null;
  /** Seq of the answer posted into the group when resolved. */
  answerSeq: number | null;
  createdBy: { id: string; name: string };
  createdAt: number;
  updatedAt: number;
}

/** Matters open longer than this count as late on the overview. */
export const MATTER_LATE_DAYS = 3;
/** How many of the oldest open matters the overview lists. */
export const MATTER_OLDEST_LIMIT = 5;

/**
 * GET /api/matters/open (staff): the matters still open or under way in the caller's own groups —
 * how many, how many of them older than {@link MATTER_LATE_DAYS} days, and the oldest few.
 */
export interface MatterOpenSummary {
  ok: true;
  open: number;
  late: number;
  lateAfterDays: number;
  oldest: {
    id: string;
    groupId: string;
    groupName: string;
    title: string;
    category: MatterCategory;
    createdAt: number;
  }[];
}
