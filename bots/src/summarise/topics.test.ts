import { describe, expect, it } from 'vitest';
import { lostElderly, parkingDispute } from './fixtures/index.ts';
import type { SourceMessage } from './summary.ts';
import { topTopics } from './topics.ts';

const msg = (id: string, text: string, createdAt: number): SourceMessage => ({
  id,
  groupId: 'g',
  seq: createdAt,
  senderId: 'u',
  text,
  createdAt,
});

describe('topTopics', () => {
  it('counts each term once per message and ranks the most discussed first', () => {
    const topics = topTopics(
      [msg('1', '消防通道消防通道又堵了', 1), msg('2', '消防通道畅通了，物业来了', 2), msg('3', '物业说电梯坏了', 3)],
      2,
    );
    expect(topics).toEqual([
      { term: '消防通道', count: 2 },
      { term: '物业', count: 2 },
    ]);
  });

  it('leaves out stop words, chat noise, single characters and bare numbers', () => {
    const terms = topTopics([msg('1', '收到 好的 谢谢 12 345 车 哈哈', 1), msg('2', '收到 345 车', 2)], 10).map(
      (t) => t.term,
    );
    expect(terms).toEqual([]);
  });

  it('joins words the segmenter splits but the messages keep together', () => {
    const terms = topTopics(lostElderly.messages, 8).map((t) => t.term);
    expect(terms).toContain('纺织厂宿舍');
    expect(terms).toContain('王秀英');
    expect(terms).not.toContain('纺织');
  });

  it('gives the same order whatever the input order', () => {
    const reversed = [...parkingDispute.messages].reverse();
    expect(topTopics(reversed, 8)).toEqual(topTopics(parkingDispute.messages, 8));
    expect(topTopics(parkingDispute.messages, 3).map((t) => t.term)).toEqual(['消防通道', '挪车', '3号楼']);
  });

  it('returns nothing for no messages or n = 0', () => {
    expect(topTopics([], 5)).toEqual([]);
    expect(topTopics(parkingDispute.messages, 0)).toEqual([]);
  });
});
