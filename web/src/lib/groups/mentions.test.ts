import { describe, expect, it } from 'vitest';
import { activeMention, insertMention, mentionCandidates, mentionRuns, mentionsIn } from './mentions.ts';

const members = [
  { id: 'u1', name: '王警官' },
  { id: 'u2', name: '李网格员' },
  { id: 'u3', name: '王小明' },
  { id: 'me', name: '张三' },
];

describe('mentions', () => {
  it('finds the @ the caret is in, not an e-mail address or a finished word', () => {
    expect(activeMention('请@王', 3)).toEqual({ start: 1, query: '王' });
    expect(activeMention('@', 1)).toEqual({ start: 0, query: '' });
    expect(activeMention('写信到 a@b.cn', 10)).toBeNull();
    expect(activeMention('@王警官 你好', 7)).toBeNull();
    expect(activeMention('没有提到人', 5)).toBeNull();
  });

  it('offers matching members without the person, names that start with the query first, and everyone to staff only', () => {
    const staff = mentionCandidates(members, '王', { selfId: 'me', allowAll: true, allLabel: '所有人' });
    expect(staff.members.map((m) => m.id)).toEqual(['u1', 'u3']);
    expect(staff.all).toBe(false);
    expect(mentionCandidates(members, '', { selfId: 'me', allowAll: true, allLabel: '所有人' }).all).toBe(true);
    expect(mentionCandidates(members, '所', { selfId: 'me', allowAll: true, allLabel: '所有人' }).all).toBe(true);
    expect(mentionCandidates(members, '', { selfId: 'me', allowAll: false, allLabel: '所有人' }).all).toBe(false);
    expect(
      mentionCandidates(members, '', { selfId: 'me', allowAll: false, allLabel: '所有人' }).members.map((m) => m.id),
    ).not.toContain('me');
    expect(
      mentionCandidates(members, '小明', { selfId: 'me', allowAll: false, allLabel: '所有人' }).members.map(
        (m) => m.id,
      ),
    ).toEqual(['u3']);
  });

  it('writes the picked name in place of the query and puts the caret after it', () => {
    expect(insertMention('请@王看看', { start: 1, query: '王' }, 3, '王警官')).toEqual({
      text: '请@王警官 看看',
      caret: 6,
    });
  });

  it('sends only the picked people still named in the text, and everyone only when allowed', () => {
    const picked = [members[0]!, members[1]!];
    expect(mentionsIn('@王警官 请处理', picked, false)).toEqual({ mentions: ['u1'], mentionAll: false });
    expect(mentionsIn('@王警官们 请处理', picked, false)).toEqual({ mentions: [], mentionAll: false });
    expect(mentionsIn('@所有人 明早开会', picked, true)).toEqual({ mentions: [], mentionAll: true });
    expect(mentionsIn('@所有人 明早开会', picked, false)).toEqual({ mentions: [], mentionAll: false });
  });

  it('splits a message into plain and mention runs, longest names first', () => {
    expect(mentionRuns('@王警官 和 @王小明 请看', ['王警官', '王小明'], false)).toEqual([
      { text: '@王警官', mention: true },
      { text: ' 和 ', mention: false },
      { text: '@王小明', mention: true },
      { text: ' 请看', mention: false },
    ]);
    expect(mentionRuns('@所有人 开会', [], true)).toEqual([
      { text: '@所有人', mention: true },
      { text: ' 开会', mention: false },
    ]);
    expect(mentionRuns('@所有人 开会', [], false)).toEqual([{ text: '@所有人 开会', mention: false }]);
  });
});
