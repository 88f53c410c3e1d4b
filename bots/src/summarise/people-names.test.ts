import { describe, expect, it } from 'vitest';
import { nameForms, nameMask } from './people-names.ts';
import { topTopics } from './topics.ts';

describe('people in topics', () => {
  it('names people as chats do: whole, by given name, 老 / 小 and surname', () => {
    expect([...nameForms(['王建国', '欧阳秀英', '李明', '张', ' Tom '])].sort()).toEqual(
      ['Tom', '李明', '王建国', '建国', '老王', '小王', '欧阳秀英', '秀英', '老欧阳', '小欧阳'].sort(),
    );
  });

  it('cuts the names out of a text, longest first, so no topic is a person', () => {
    const mask = nameMask(nameForms(['王建国', '王建']));
    expect(mask('找王建国看看东门路灯')).toBe('找，看看东门路灯');
    const messages = ['王建国说东门路灯坏了', '王建国你去看看路灯', '路灯的事王建国在跟', '老王今天处理路灯'].map(
      (text, i) => ({ id: `m${i}`, groupId: 'g', seq: i + 1, senderId: 'u', text, createdAt: i }),
    );
    // Left in, the name is the second topic; cut out, only what was talked about remains.
    expect(topTopics(messages, 3).map((t) => t.term)).toContain('王建国');
    const topics = topTopics(
      messages.map((m) => ({ ...m, text: mask(m.text) })),
      3,
    ).map((t) => t.term);
    expect(topics[0]).toBe('路灯');
    expect(topics.some((t) => t.includes('王') || t.includes('建国'))).toBe(false);
  });
});
