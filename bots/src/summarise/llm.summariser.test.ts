import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBotConfig } from '../config.ts';
import { createExtractiveSummariser } from './extractive.summariser.ts';
import { fraudWarning, parkingDispute } from './fixtures/index.ts';
import { createLlmSummariser, type LlmFallbackReason } from './llm.summariser.ts';
import { createSummariserFromConfig } from './summariser-from-config.ts';

/** What the endpoint does with the next request. */
type Behaviour = { status?: number; content?: string; raw?: string; delayMs?: number };

/** A real OpenAI-compatible endpoint on a local port, answering as the test says. */
let server: Server;
let baseUrl: string;
let behaviour: Behaviour;
let received: {
  url: string;
  authorization: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
}[];

const completion = (content: string) =>
  JSON.stringify({
    id: 'c1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });
const answer = (sentences: { text: string; sources: unknown[] }[]) => JSON.stringify({ sentences });

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(data) });
      const { status = 200, content = '', raw, delayMs = 0 } = behaviour;
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(raw ?? completion(content));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  behaviour = {};
});

const extractive = createExtractiveSummariser();
function llm(reasons: LlmFallbackReason[], timeoutMs = 5_000) {
  return createLlmSummariser({
    baseUrl,
    apiKey: 'sk-test',
    model: 'qwen-test',
    timeoutMs,
    fallback: extractive,
    onFallback: (r) => reasons.push(r),
  });
}
const ids = parkingDispute.messages.map((m) => m.id);

describe('LLM summariser against an OpenAI-compatible endpoint', () => {
  it('sends the messages numbered and keeps sentences tied to them, cited by number or id', async () => {
    behaviour = {
      content: answer([
        { text: '车已经挪走了，现场确认消防通道已经畅通。', sources: [15, '16'] },
        { text: '幸福小区3号楼楼下的消防通道被白色SUV苏A·8K2Q7堵了。', sources: [ids[0]] },
      ]),
    };
    const reasons: LlmFallbackReason[] = [];
    const summary = await llm(reasons).summarise(parkingDispute.messages, { maxSentences: 4 });
    expect(reasons).toEqual([]);
    expect(summary.by).toBe('llm');
    expect(summary.sentences).toEqual([
      { text: '幸福小区3号楼楼下的消防通道被白色SUV苏A·8K2Q7堵了。', sources: [ids[0]] },
      { text: '车已经挪走了，现场确认消防通道已经畅通。', sources: [ids[14], ids[15]] },
    ]);
    expect(summary.topics).toEqual((await extractive.summarise(parkingDispute.messages)).topics);
    const [req] = received;
    expect(req!.url).toBe('/v1/chat/completions');
    expect(req!.authorization).toBe('Bearer sk-test');
    expect(req!.body.model).toBe('qwen-test');
    const user = req!.body.messages.find((m) => m.role === 'user')!.content;
    expect(user.split('\n')).toHaveLength(parkingDispute.messages.length);
    expect(user).toContain('[1] 11-20 08:02 王阿姨：谁家的车啊？');
    expect(user).toContain('[15] 11-20 08:31 孙先生：车已经挪走了');
  });

  it('reads the JSON out of a code fence, or a bare array', async () => {
    const reasons: LlmFallbackReason[] = [];
    behaviour = {
      content: `好的，摘要如下：\n\`\`\`json\n${answer([{ text: '车已经挪走了。', sources: [15] }])}\n\`\`\``,
    };
    expect((await llm(reasons).summarise(parkingDispute.messages)).sentences).toEqual([
      { text: '车已经挪走了。', sources: [ids[14]] },
    ]);
    behaviour = { content: JSON.stringify([{ text: '现场确认消防通道已经畅通。', sources: [16] }]) };
    expect((await llm(reasons).summarise(parkingDispute.messages)).sentences).toEqual([
      { text: '现场确认消防通道已经畅通。', sources: [ids[15]] },
    ]);
    expect(reasons).toEqual([]);
  });

  it('drops a sentence citing a message it was not given, or one its sources do not bear out', async () => {
    behaviour = {
      content: answer([
        { text: '车已经挪走了。', sources: [15, 99] },
        { text: '车主孙先生被行政拘留十日，罚款五千元。', sources: [13] },
        { text: '提醒各位业主：消防通道严禁停车。', sources: [17] },
        { text: '已电话通知车主挪车。', sources: ['grid-other:m01'] },
        { text: '物业会加装隔离桩。', sources: [] },
      ]),
    };
    const reasons: LlmFallbackReason[] = [];
    const summary = await llm(reasons).summarise(parkingDispute.messages);
    expect(summary.by).toBe('llm');
    expect(summary.sentences).toEqual([{ text: '提醒各位业主：消防通道严禁停车。', sources: [ids[16]] }]);
    expect(reasons).toEqual([]);
  });

  it('falls back to the extractive summary when every sentence is invented', async () => {
    behaviour = { content: answer([{ text: '嫌疑人已被抓获。', sources: [3] }]) };
    const reasons: LlmFallbackReason[] = [];
    expect(await llm(reasons).summarise(fraudWarning.messages)).toEqual(
      await extractive.summarise(fraudWarning.messages),
    );
    expect(reasons).toEqual(['empty']);
  });

  it('falls back on malformed JSON, a body that is not JSON, and an HTTP error', async () => {
    const expected = await extractive.summarise(fraudWarning.messages);
    const reasons: LlmFallbackReason[] = [];
    behaviour = { content: '{"sentences": [{"text": "冒充公检法诈骗", "sources": [1' };
    expect(await llm(reasons).summarise(fraudWarning.messages)).toEqual(expected);
    behaviour = { raw: '<html>502 Bad Gateway</html>' };
    expect(await llm(reasons).summarise(fraudWarning.messages)).toEqual(expected);
    behaviour = { status: 500, raw: JSON.stringify({ error: { message: 'model overloaded' } }) };
    expect(await llm(reasons).summarise(fraudWarning.messages)).toEqual(expected);
    behaviour = { content: answer([]).replace('sentences', 'items') };
    expect(await llm(reasons).summarise(fraudWarning.messages)).toEqual(expected);
    expect(reasons).toEqual(['bad-json', 'bad-json', 'http', 'bad-json']);
    expect(received).toHaveLength(4);
  });

  it('falls back when the endpoint is too slow, and when nothing listens', async () => {
    behaviour = { delayMs: 3_000, content: answer([{ text: '车已经挪走了。', sources: [15] }]) };
    const reasons: LlmFallbackReason[] = [];
    expect(await llm(reasons, 200).summarise(parkingDispute.messages)).toEqual(
      await extractive.summarise(parkingDispute.messages),
    );
    expect(reasons).toEqual(['timeout']);
    expect(received).toHaveLength(1);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const offline = createLlmSummariser({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      model: 'm',
      timeoutMs: 5_000,
      fallback: extractive,
      onFallback: (r) => reasons.push(r),
    });
    expect((await offline.summarise(parkingDispute.messages)).by).toBe('extractive');
    expect(reasons).toEqual(['timeout', 'network']);
  });

  it('does not call the endpoint for no messages or an oversized prompt, and rejects when the caller aborts', async () => {
    const reasons: LlmFallbackReason[] = [];
    expect(await llm(reasons).summarise([])).toEqual({ sentences: [], topics: [], by: 'extractive' });
    const small = createLlmSummariser({
      baseUrl,
      model: 'm',
      timeoutMs: 5_000,
      fallback: extractive,
      maxInputChars: 100,
      onFallback: (r) => reasons.push(r),
    });
    expect((await small.summarise(parkingDispute.messages)).by).toBe('extractive');
    expect(reasons).toEqual(['too-long']);
    expect(received).toHaveLength(0);

    behaviour = { delayMs: 3_000, content: answer([]) };
    const ac = new AbortController();
    const pending = llm(reasons).summarise(parkingDispute.messages, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('bot shutting down')), 50);
    await expect(pending).rejects.toThrow('bot shutting down');
    expect(reasons).toEqual(['too-long']);
  });
});

describe('choosing the summariser from the configuration', () => {
  it('is extractive unless LLM_BASE_URL is set', async () => {
    for (const env of [{}, { LLM_BASE_URL: ' ', LLM_MODEL: 'm' }]) {
      const summariser = createSummariserFromConfig(loadBotConfig(env).llm);
      expect((await summariser.summarise(parkingDispute.messages)).by).toBe('extractive');
    }
    expect(received).toHaveLength(0);
  });

  it('uses the endpoint LLM_BASE_URL names, with its model, key and timeout', async () => {
    behaviour = { content: answer([{ text: '车已经挪走了。', sources: [15] }]) };
    const env = { LLM_BASE_URL: baseUrl, LLM_MODEL: 'qwen2.5:7b', LLM_API_KEY: 'sk-env', LLM_TIMEOUT_MS: '5000' };
    const config = loadBotConfig(env);
    const summariser = createSummariserFromConfig(config.llm);
    expect(await summariser.summarise(parkingDispute.messages)).toMatchObject({
      by: 'llm',
      sentences: [{ text: '车已经挪走了。', sources: [ids[14]] }],
    });
    expect(received[0]).toMatchObject({ authorization: 'Bearer sk-env', body: { model: 'qwen2.5:7b' } });
  });
});
