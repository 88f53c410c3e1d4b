import { describe, expect, it } from 'vitest';
import {
  IMAGE_MIME_TYPES as HUB_IMAGE_TYPES,
  MAX_IMAGE_BYTES as HUB_IMAGE_BYTES,
  MATTER_CATEGORIES as HUB_CATEGORIES,
  MATTER_STATUSES as HUB_STATUSES,
  MAX_MESSAGE_TEXT as HUB_MAX,
  RECALL_WINDOW_MS as HUB_RECALL,
} from '@fengqiao/hub/protocol';
import {
  IMAGE_MIME_TYPES,
  MATTER_CATEGORIES,
  MATTER_STATUSES,
  MAX_IMAGE_BYTES,
  MAX_MESSAGE_TEXT,
  RECALL_WINDOW_MS,
} from './group-rules.ts';

describe('group rules', () => {
  it('are the protocol’s, copied so that phones do not load zod', () => {
    expect(MAX_MESSAGE_TEXT).toBe(HUB_MAX);
    expect(RECALL_WINDOW_MS).toBe(HUB_RECALL);
    expect(MATTER_CATEGORIES).toEqual(HUB_CATEGORIES);
    expect(MATTER_STATUSES).toEqual(HUB_STATUSES);
    expect(IMAGE_MIME_TYPES).toEqual(HUB_IMAGE_TYPES);
    expect(MAX_IMAGE_BYTES).toBe(HUB_IMAGE_BYTES);
  });
});
