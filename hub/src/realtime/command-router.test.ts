import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { connectSocket, demoLogin, login, nextEvent, startTestHub } from '../../test-support/index.ts';
import type { TestHub, TestSocket } from '../../test-support/index.ts';
import { pingPayload } from '../protocol/schemas.ts';
import { createCommandLimits } from './command-limits.ts';
import { createCommandRouter } from './command-router.ts';
import type { HubSocket } from './types.ts';

/** Every client command the protocol declares, read from its event map (the source of event names). */
function declaredCommands(): string[] {
  const source = readFileSync(new URL('../protocol/events.ts', import.meta.url), 'utf8');
  const from = source.indexOf('interface ClientToServerEvents {');
  const block = source.slice(from, source.indexOf('interface InterServerEvents'));
  return [...block.matchAll(/^ {2}'([a-z-]+:[a-z-]+)':/gm)].map((m) => m[1]!);
}

interface LogLine {
  level: number;
  msg: string;
  code?: string;
  suppressed?: number;
}
const WARN = 40;

/** Malformed commands from a hostile or broken client: typed 4xx answers, never `internal`, never a log flood. */
describe('command router against malformed input', () => {
  let t: TestHub;
  const lines: LogLine[] = [];
  const open: TestSocket[] = [];
  let cookie: string;

  beforeAll(async () => {
    const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
    t = await startTestHub({ log });
    ({ cookie } = await login(t.url, await demoLogin(t.hub, 'officer')));
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });
  const connect = async () => {
    const s = await connectSocket(t.url, { cookie });
    open.push(s);
    return s;
  };

  it('answers every command sent with only an acknowledgement (no payload) with validation_failed', async () => {
    const commands = declaredCommands();
    expect(commands.length).toBeGreaterThanOrEqual(51);
    const s = await connect();
    const raw = s as unknown as { emitWithAck(ev: string): Promise<{ ok: boolean; error?: { code: string } }> };
    const before = lines.length;
    for (const event of commands) {
      const res = await raw.emitWithAck(event);
      expect({ event, res }).toMatchObject({ event, res: { ok: false, error: { code: 'validation_failed' } } });
    }
    // One warning for the socket (the rest muted and counted), no stack trace at error level.
    const logged = lines.slice(before);
    expect(logged.filter((l) => l.level > WARN)).toEqual([]);
    expect(logged.filter((l) => l.msg === 'socket command refused')).toHaveLength(1);
  });

  it('refuses a payload nested 20,000 deep with validation_failed and keeps serving the socket', async () => {
    const s = await connect();
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const failed = nextEvent<{ event: string; error: { code: string; message: string } }>(s, 'request:failed');
    // Written as a raw Socket.IO frame: the client library itself recurses over what it encodes.
    (s.io.engine as unknown as { write(packet: string): void }).write(`2["system:ping",{"echo":${deep}}]`);
    expect(await failed).toMatchObject({
      event: 'system:ping',
      error: { code: 'validation_failed', message: expect.stringMatching(/nested/) },
    });
    expect(await s.emitWithAck('system:ping', { echo: 'still here' })).toMatchObject({ ok: true, echo: 'still here' });
    expect(lines.filter((l) => l.level > WARN)).toEqual([]);
  });

  it('refuses a payload over the size limit as UTF-8 JSON with payload_too_large, stores nothing, and keeps serving', async () => {
    const s = await connect();
    const listed = await s.emitWithAck('group:list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    const groupId = listed.groups[0]!.id;
    const stored = async () =>
      (await t.hub.store.db.selectFrom('messages').select('id').where('group_id', '=', groupId).execute()).length;
    const before = await stored();
    const limit = 64 * 1024;
    // 22,000 Chinese characters: under the limit counted in characters, over it in UTF-8 bytes (3 each).
    const text = '收'.repeat(22_000);
    expect(await s.emitWithAck('message:send', { groupId, clientId: 'too-large-0001', text })).toEqual({
      ok: false,
      error: { code: 'payload_too_large', message: `payload exceeds ${limit} bytes` },
    });
    // Without an ack, the refusal comes as request:failed.
    const failed = nextEvent<{ event: string; error: { code: string } }>(s, 'request:failed');
    (s as unknown as { emit(ev: string, payload: unknown): void }).emit('message:send', {
      groupId,
      clientId: 'too-large-0002',
      text,
    });
    expect(await failed).toMatchObject({ event: 'message:send', error: { code: 'payload_too_large' } });
    // Under the byte limit but past the schema's 2,000 characters: the schema's own refusal.
    const long = await s.emitWithAck('message:send', { groupId, clientId: 'too-long-0001', text: '收'.repeat(2001) });
    expect(long).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'text' }] } });
    // Wrong types: refused field by field.
    const wrong = await s.emitWithAck('message:send', { groupId, clientId: 7, text: ['收到'] } as never);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect((wrong as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path).sort()).toEqual([
      'clientId',
      'text',
    ]);
    expect(await stored()).toBe(before);
    const sent = await s.emitWithAck('message:send', { groupId, clientId: 'fits-0001', text: '收'.repeat(2000) });
    expect(sent).toMatchObject({ ok: true });
    expect(await stored()).toBe(before + 1);
  });

  it("logs a socket's client faults at most once per interval, counting the ones left out", async () => {
    const s = await connect();
    const before = lines.length;
    for (let i = 0; i < 50; i += 1) await s.emitWithAck('system:ping', { echo: 42 } as never);
    const refused = lines.slice(before).filter((l) => l.msg === 'socket command refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: WARN, code: 'validation_failed', suppressed: 0 });
  });
});

/** A graceful stop, on the router alone: commands still running are counted and waited for, new ones refused. */
describe('command router drain', () => {
  type Answer = { ok: boolean; error?: { code: string } };
  const setup = () => {
    const release: (() => void)[] = [];
    const router = createCommandRouter({
      log: createLogger('silent'),
      maxPayloadBytes: 64 * 1024,
      observer: { onEvent: () => {} },
      limits: createCommandLimits(loadConfig({}).socketLimits),
    });
    // A ping that answers only when the test lets it.
    router.define('system:ping', pingPayload, async (p) => {
      await new Promise<void>((r) => release.push(r));
      return { echo: p.echo ?? null, serverTime: 0, node: 'n' };
    });
    const socket = {
      id: 's1',
      data: { principal: { kind: 'session', sessionId: 's', user: { id: 'u1', password_change_required: 0 } } },
      emit: () => true,
    } as unknown as HubSocket;
    const send = (echo: string) =>
      new Promise<Answer>((resolve) => router.listener.call(socket, 'system:ping', { echo }, resolve));
    return { router, release, send };
  };

  it('waits for the commands still running, refusing new ones with unavailable meanwhile', async () => {
    const { router, release, send } = setup();
    const running = [send('a'), send('b')];
    await expect.poll(() => release.length).toBe(2);
    let drained: { unfinished: number } | undefined;
    const draining = router.drain(60_000).then((r) => (drained = r));
    expect(await send('late')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    release.shift()!();
    expect(await running[0]).toMatchObject({ ok: true, echo: 'a' });
    expect(drained).toBeUndefined();
    release.shift()!();
    expect(await running[1]).toMatchObject({ ok: true, echo: 'b' });
    expect(await draining).toEqual({ unfinished: 0 });
  });

  it('gives up after its time and says how many are unfinished; with none running it returns at once', async () => {
    const { router, release, send } = setup();
    const running = send('stuck');
    await expect.poll(() => release.length).toBe(1);
    expect(await router.drain(20)).toEqual({ unfinished: 1 });
    release.shift()!();
    expect(await running).toMatchObject({ ok: true });
    expect(await router.drain(60_000)).toEqual({ unfinished: 0 });
  });
});
