import type { ImageMimeType, MatterCategory, MatterStatus } from '@fengqiao/hub/protocol';

/*
 * The hub's limits and lists for group chat, copied from the protocol (a unit test holds them
 * equal): the protocol declares them beside its zod schemas, and a value import would ship zod
 * to every phone.
 */

/** Longest message text (the protocol's `MAX_MESSAGE_TEXT`). */
export const MAX_MESSAGE_TEXT = 2000;

/** How long a sender may recall their own message, ms (the protocol's `RECALL_WINDOW_MS`). */
export const RECALL_WINDOW_MS = 2 * 60_000;

/** Image types a group accepts (the protocol's `IMAGE_MIME_TYPES`). */
export const IMAGE_MIME_TYPES: readonly ImageMimeType[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

/** Largest image a group accepts, bytes (the protocol's `MAX_IMAGE_BYTES`). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Longest pinned notice (the protocol's schema limit). */
export const MAX_NOTICE_TEXT = 1000;

/** What a matter is about (the protocol's `MATTER_CATEGORIES`). */
export const MATTER_CATEGORIES: readonly MatterCategory[] = [
  'dispute',
  'safety',
  'public_order',
  'help',
  'suggestion',
  'other',
];

/** open → in progress → resolved, or handed to another department (the protocol's `MATTER_STATUSES`). */
export const MATTER_STATUSES: readonly MatterStatus[] = ['open', 'in_progress', 'resolved', 'handed_off'];

/** Longest matter title and hand-off department (the protocol's schema limits). */
export const MAX_MATTER_TITLE = 100;
export const MAX_DEPARTMENT = 100;

/** True while a matter still needs someone: not resolved, not handed on. */
export function isMatterOpen(status: MatterStatus): boolean {
  return status === 'open' || status === 'in_progress';
}
