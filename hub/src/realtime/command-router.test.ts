import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, demoLogin, login, nextEvent, startTestHub } from '../../test-support/index.ts';
import type { TestHub, TestSocket } from '../../test-support/index.ts';

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

  it("logs a socket's client faults at most once per interval, counting the ones left out", async () => {
    const s = await connect();
    const before = lines.length;
    for (let i = 0; i < 50; i += 1) await s.emitWithAck('system:ping', { echo: 42 } as never);
    const refused = lines.slice(before).filter((l) => l.msg === 'socket command refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: WARN, code: 'validation_failed', suppressed: 0 });
  });
});
