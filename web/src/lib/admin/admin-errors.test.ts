import { describe, expect, it } from 'vitest';
import { adminFailureKey, failureDetail, type Translate } from './admin-errors.ts';

describe('adminFailureKey', () => {
  it('words the administration codes', () => {
    expect(adminFailureKey({ code: 'unit_cycle', error: null })).toBe('admin.error.unit_cycle');
    expect(adminFailureKey({ code: 'login_taken', error: null })).toBe('admin.error.login_taken');
  });

  it('prefers a known field reason inside validation_failed', () => {
    const error = {
      code: 'validation_failed' as const,
      message: 'x',
      issues: [{ path: 'newPassword', message: 'password_too_common' }],
    };
    expect(adminFailureKey({ code: 'validation_failed', error })).toBe('account.error.password_too_common');
  });

  it('falls back to the shared wording, and to "try later" for the unknown', () => {
    expect(adminFailureKey({ code: 'network', error: null })).toBe('failure.network');
    expect(adminFailureKey({ code: 'toString', error: null })).toBe('failure.server');
  });
});

describe('failureDetail', () => {
  const t: Translate = (key, params) => `${key}${params ? JSON.stringify(params) : ''}`;

  it('lists the fields the hub named, not the ones already worded', () => {
    const error = {
      code: 'validation_failed' as const,
      message: 'x',
      issues: [
        { path: 'name', message: 'required' },
        { path: 'newPassword', message: 'password_too_short' },
      ],
    };
    expect(failureDetail({ code: 'validation_failed', error }, t)).toBe('name: required');
  });

  it('passes on the hub’s words when it names no field', () => {
    const error = { code: 'validation_failed' as const, message: 'the file is neither UTF-8 nor GBK text' };
    expect(failureDetail({ code: 'validation_failed', error }, t)).toBe('the file is neither UTF-8 nor GBK text');
  });

  it('names the missing and unknown columns of an import', () => {
    const error = {
      code: 'import_headers' as const,
      message: 'missing columns: 警号, 姓名; unknown columns: 备注',
      issues: [
        { path: '警号', message: 'missing' },
        { path: '姓名', message: 'missing' },
        { path: '备注', message: 'unknown' },
      ],
    };
    expect(failureDetail({ code: 'import_headers', error }, t)).toBe(
      'admin.import.missing_columns{"columns":"警号、姓名"}；admin.import.unknown_columns{"columns":"备注"}',
    );
  });

  it('adds nothing to other codes', () => {
    expect(failureDetail({ code: 'conflict', error: { code: 'conflict', message: 'x' } }, t)).toBeNull();
  });
});
