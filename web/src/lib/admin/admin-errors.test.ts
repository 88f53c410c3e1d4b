import { describe, expect, it } from 'vitest';
import { adminFailureKey, failureDetail } from './admin-errors.ts';

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
  it('lists the fields the hub named, not the ones already worded', () => {
    const error = {
      code: 'validation_failed' as const,
      message: 'x',
      issues: [
        { path: 'name', message: 'required' },
        { path: 'newPassword', message: 'password_too_short' },
      ],
    };
    expect(failureDetail({ code: 'validation_failed', error })).toBe('name: required');
  });

  it('passes on the hub’s words about import headers, and nothing for other codes', () => {
    const error = { code: 'conflict' as const, message: 'missing: 警号' };
    expect(failureDetail({ code: 'import_headers', error })).toBe('missing: 警号');
    expect(failureDetail({ code: 'conflict', error })).toBeNull();
  });
});
