import { describe, expect, it } from 'vitest';
import { MIN_PASSWORD_LENGTH as HUB_MIN } from '@fengqiao/hub/protocol';
import { MIN_PASSWORD_LENGTH, passwordProblems } from './password-policy.ts';

it('uses the hub’s minimum length, copied so that phones do not load zod', () => {
  expect(MIN_PASSWORD_LENGTH).toBe(HUB_MIN);
});

describe('passwordProblems', () => {
  it('accepts a long password typed the same twice', () => {
    expect(passwordProblems('枫桥经验-2026-桃源', '枫桥经验-2026-桃源', '31001')).toEqual([]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblems('枫桥经验枫桥经验枫桥', '枫桥经验枫桥经验枫桥', 'x')).toEqual([]);
    expect(passwordProblems('😀😀😀😀😀', '😀😀😀😀😀', 'x')).toEqual(['too_short']);
  });

  it('names every problem', () => {
    expect(passwordProblems('short', 'shorter', 'a')).toEqual(['too_short', 'mismatch']);
    expect(passwordProblems('Officer-310012', 'Officer-310012', 'officer-310012')).toEqual(['same_as_login']);
  });
});
