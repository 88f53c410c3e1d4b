import { describe, expect, it } from 'vitest';
import { rankText } from './ranks.ts';

describe('rankText', () => {
  it('renders the rank ladder (警衔) in its standard English forms', () => {
    expect(rankText('总警监', 'en')).toBe('Commissioner General');
    expect(rankText('一级警督', 'en')).toBe('Superintendent 1st Class');
    expect(rankText('三级警司', 'en')).toBe('Inspector 3rd Class');
    expect(rankText('二级警员', 'en')).toBe('Constable 2nd Class');
  });

  it('renders the grades the demo and imports use (警长) and job titles kept in the same field', () => {
    expect(rankText('一级警长', 'en')).toBe('Sergeant 1st Class');
    expect(rankText('四级高级警长', 'en')).toBe('Senior Sergeant 4th Class');
    expect(rankText('所长', 'en')).toBe('Station Chief');
    expect(rankText('教导员', 'en')).toBe('Political Instructor');
  });

  it('ignores spaces an import left around a known rank', () => {
    expect(rankText(' 二级警司 ', 'en')).toBe('Inspector 2nd Class');
  });

  it('shows unknown free text as written, including names of object properties', () => {
    expect(rankText('特级见习警员', 'en')).toBe('特级见习警员');
    expect(rankText('constructor', 'en')).toBe('constructor');
    expect(rankText('', 'en')).toBe('');
  });

  it('gives Chinese readers the stored text unchanged', () => {
    expect(rankText('一级警督', 'zh-CN')).toBe('一级警督');
    expect(rankText(' 一级警督', 'zh-CN')).toBe(' 一级警督');
  });
});
