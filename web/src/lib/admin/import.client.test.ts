import { describe, expect, it } from 'vitest';
import { IMPORT_CONTENT_TYPES, MAX_IMPORT_BYTES as HUB_MAX } from '@fengqiao/hub/protocol';
import { importContentType, MAX_IMPORT_BYTES } from './import.client.ts';

describe('import files', () => {
  it('are read as the hub reads them, by their name', () => {
    expect(importContentType('花名册.CSV')).toBe(IMPORT_CONTENT_TYPES.csv);
    expect(importContentType('units.xlsx')).toBe(IMPORT_CONTENT_TYPES.xlsx);
    expect(importContentType('roster.xls')).toBeNull();
    expect(importContentType('roster')).toBeNull();
  });

  it('are bounded by the hub’s limit', () => {
    expect(MAX_IMPORT_BYTES).toBe(HUB_MAX);
  });
});
