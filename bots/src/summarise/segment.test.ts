import { describe, expect, it } from 'vitest';
import { contentRuns, contentWords, segmentWords } from './segment.ts';

describe('Chinese word segmentation', () => {
  it('keeps plates, building numbers and field words whole', () => {
    const words = segmentWords('幸福小区3号楼门口停了一辆白色轿车，车牌苏A·12345，堵住了消防通道。');
    expect(words).toEqual(expect.arrayContaining(['幸福', '小区', '3号楼', '苏A12345', '消防通道', '白色', '轿车']));
  });

  it('joins a name the dictionary does not know, and keeps field words it would cut', () => {
    expect(segmentWords('我家老人王秀英今天早上出门')).toContain('王秀英');
    expect(segmentWords('网格员调取监控')).toEqual(['网格员', '调取监控']);
  });

  it('drops function words, chat noise, emoji, placeholders and small numbers from content words', () => {
    expect(contentWords('收到，好的，谢谢[表情]哈哈哈👍')).toEqual([]);
    expect(contentWords('我们的车在8点被堵了')).toEqual(['车', '堵']);
    expect(contentWords('楼上1202又在装修')).toEqual(['楼上', '1202', '又在', '装修']);
  });

  it('honours extra stop words, case-insensitively for Latin words', () => {
    expect(contentWords('加QQ视频聊天', new Set(['qq']))).not.toContain('qq');
  });

  it('ends a run of content words at a stop word or punctuation', () => {
    expect(contentRuns('纺织厂宿舍门口，找到了老人')).toEqual([['纺织', '厂', '宿舍', '门口'], ['找到'], ['老人']]);
  });
});
