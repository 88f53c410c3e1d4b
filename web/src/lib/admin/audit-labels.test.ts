import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { zhCN } from '../i18n/zh-cn.ts';
import { AUDIT_ACTIONS, AUDIT_FIELDS, AUDIT_TARGETS, auditFieldKey, labelKey } from './audit-labels.ts';

describe('audit labels', () => {
  it('word every listed action, object and field in both languages', () => {
    for (const key of [AUDIT_ACTIONS, AUDIT_TARGETS, AUDIT_FIELDS].flatMap((t) => Object.values(t))) {
      expect(zhCN[key]).toBeTruthy();
      expect(en[key]).toBeTruthy();
    }
  });

  it('leave an unknown code to the hub’s own name', () => {
    expect(labelKey(AUDIT_ACTIONS, 'unit.create')).toBe('admin.audit.act.unit_create');
    expect(labelKey(AUDIT_ACTIONS, 'unit.teleport')).toBeNull();
    expect(labelKey(AUDIT_TARGETS, null)).toBeNull();
    expect(labelKey(AUDIT_FIELDS, 'constructor')).toBeNull();
  });

  it('name a unit’s name and a person’s name apart', () => {
    expect(auditFieldKey('name', 'unit')).toBe('admin.units.name');
    expect(auditFieldKey('name', 'user')).toBe('admin.people.name');
    expect(auditFieldKey('unitId', 'user')).toBe('admin.people.unit');
    expect(auditFieldKey('ip', null)).toBe('admin.audit.ip');
  });
});
