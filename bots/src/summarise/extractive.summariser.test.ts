import { describe, expect, it } from 'vitest';
import { createExtractiveSummariser } from './extractive.summariser.ts';
import {
  conversations,
  fraudWarning,
  lostElderly,
  noiseComplaint,
  parkingDispute,
  type Conversation,
} from './fixtures/index.ts';
import type { SourceMessage, Summary } from './summary.ts';

const summariser = createExtractiveSummariser();

/** A fixed permutation (no Math.random), so a shuffled input is the same on every run. */
function shuffled<T>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, key: (i * 7919) % 104729 }))
    .sort((a, b) => (a.key % 97) - (b.key % 97) || a.key - b.key)
    .map((x) => x.item);
}

/** Every sentence cites at least one message of `messages`, and its text comes from a cited message. */
function expectTiedTo(summary: Summary, messages: readonly SourceMessage[]): void {
  const byId = new Map(messages.map((m) => [m.id, m]));
  for (const s of summary.sentences) {
    expect(s.sources.length).toBeGreaterThan(0);
    for (const id of s.sources) expect(byId.has(id), `cites unknown ${id}`).toBe(true);
    const strip = (t: string) => t.replace(/[^\p{L}\p{N}]/gu, '');
    expect(s.sources.some((id) => strip(byId.get(id)!.text).includes(strip(s.text).replace(/…$/u, '')))).toBe(true);
  }
}

describe.each(Object.entries(conversations))('extractive summary of %s', (_name, c: Conversation) => {
  it('carries the key facts, cites only this conversation, in the order things were said', async () => {
    const summary = await summariser.summarise(c.messages);
    const text = summary.sentences.map((s) => s.text).join('\n');
    for (const alternatives of c.keyFacts)
      expect(
        alternatives.some((a) => text.includes(a)),
        `${alternatives.join('|')} in\n${text}`,
      ).toBe(true);
    expect(summary.by).toBe('extractive');
    expect(summary.sentences.length).toBeGreaterThan(0);
    expect(summary.sentences.length).toBeLessThanOrEqual(5);
    expectTiedTo(summary, c.messages);
    const seqOf = new Map(c.messages.map((m) => [m.id, m.seq]));
    const firsts = summary.sentences.map((s) => seqOf.get(s.sources[0]!)!);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(summary.topics.length).toBeGreaterThan(0);
  });

  it('is identical run to run and whatever order the messages arrive in', async () => {
    const first = await summariser.summarise(c.messages);
    expect(await createExtractiveSummariser().summarise(c.messages)).toEqual(first);
    expect(await summariser.summarise(shuffled(c.messages))).toEqual(first);
  });
});

describe('extractive summariser, edges', () => {
  it('gives an empty summary for no messages and for chat noise only', async () => {
    expect(await summariser.summarise([])).toEqual({ sentences: [], topics: [], by: 'extractive' });
    const noise = parkingDispute.messages.map((m, i) => ({
      ...m,
      text: ['收到', '好的👍', '谢谢[表情]', '哈哈哈', '嗯嗯'][i % 5]!,
    }));
    expect((await summariser.summarise(noise)).sentences).toEqual([]);
  });

  it('never cites a message it was not given, even with several groups mixed', async () => {
    const mixed = shuffled([...parkingDispute.messages, ...fraudWarning.messages, ...noiseComplaint.messages]);
    const summary = await summariser.summarise(mixed, { maxSentences: 8 });
    expectTiedTo(summary, mixed);
    const lostIds = new Set(lostElderly.messages.map((m) => m.id));
    expect(summary.sentences.flatMap((s) => s.sources).some((id) => lostIds.has(id))).toBe(false);
    const groups = new Set(summary.sentences.map((s) => s.sources[0]!.split(':')[0]));
    expect(groups.size).toBeGreaterThan(1);
  });

  it('shows a sentence said twice once, citing both messages', async () => {
    const messages = [...lostElderly.messages];
    const repeat = messages[17]!;
    messages.push({
      ...repeat,
      id: 'grid-heping-07:forward',
      seq: 99,
      senderId: 'r-lin',
      createdAt: repeat.createdAt + 600_000,
      text: `${repeat.text.replace('！', '')}`,
    });
    messages.push({
      ...repeat,
      id: 'grid-heping-07:near',
      seq: 100,
      senderId: 'r-zhou',
      createdAt: repeat.createdAt + 700_000,
      text: '巡逻队员在纺织厂宿舍门口找到了王秀英老人，身体没有什么大碍。',
    });
    const summary = await summariser.summarise(messages);
    const found = summary.sentences.filter((s) => s.text.includes('纺织厂宿舍门口找到'));
    expect(found).toHaveLength(1);
    expect(found[0]!.sources).toEqual([repeat.id, 'grid-heping-07:forward', 'grid-heping-07:near']);
  });

  it('honours maxSentences, and rejects when aborted', async () => {
    expect((await summariser.summarise(noiseComplaint.messages, { maxSentences: 2 })).sentences).toHaveLength(2);
    expect((await summariser.summarise(noiseComplaint.messages, { maxSentences: 0 })).sentences).toEqual([]);
    const ac = new AbortController();
    ac.abort(new Error('stopped'));
    await expect(summariser.summarise(noiseComplaint.messages, { signal: ac.signal })).rejects.toThrow('stopped');
  });

  it('refuses messages that are not SourceMessages, and takes a message given twice once', async () => {
    const bad = [
      parkingDispute.messages[0],
      { ...parkingDispute.messages[1], text: null },
    ] as unknown as SourceMessage[];
    await expect(summariser.summarise(bad)).rejects.toThrow('message 1 needs a string id, groupId and text');
    await expect(summariser.summarise(null as unknown as SourceMessage[])).rejects.toThrow('messages must be an array');
    const twice = [...parkingDispute.messages, ...parkingDispute.messages];
    expect(await summariser.summarise(twice)).toEqual(await summariser.summarise(parkingDispute.messages));
  });

  it('trims a huge message without punctuation to one bounded sentence', async () => {
    const huge = { ...parkingDispute.messages[0]!, id: 'huge', text: '消防通道被堵'.repeat(40_000) };
    const summary = await summariser.summarise([huge]);
    expect(summary.sentences).toHaveLength(1);
    expect(summary.sentences[0]!.text.length).toBeLessThanOrEqual(120);
    expect(summary.sentences[0]!.sources).toEqual(['huge']);
  });

  it('summarises 5,000 messages from many groups', async () => {
    const all = Object.values(conversations).flatMap((c) => c.messages);
    const big: SourceMessage[] = Array.from({ length: 5000 }, (_, i) => {
      const m = all[i % all.length]!;
      const round = Math.floor(i / all.length);
      return {
        ...m,
        id: `${m.id}#${round}`,
        groupId: `${m.groupId}#${round % 40}`,
        seq: i,
        createdAt: m.createdAt + round * 86_400_000,
        text: `${m.text}（第${round}天）`,
      };
    });
    const summary = await summariser.summarise(big, { maxSentences: 10 });
    expect(summary.sentences.length).toBeGreaterThan(0);
    expect(summary.sentences.length).toBeLessThanOrEqual(10);
    expectTiedTo(summary, big);
    expect(summary.topics).toHaveLength(8);
  });
});
