import { loadavg } from 'node:os';
import { loadConfig } from '../../hub/src/config.ts';
import { errors } from '../../hub/src/errors.ts';
import { observeCommands } from '../../hub/src/http/metrics-commands.ts';
import { createMetrics } from '../../hub/src/http/metrics.ts';
import { createLogger } from '../../hub/src/logger.ts';
import { sendMessagePayload } from '../../hub/src/protocol/schemas.ts';
import { createCommandLimits } from '../../hub/src/realtime/command-limits.ts';
import { createCommandRouter } from '../../hub/src/realtime/command-router.ts';
import type { HubSocket } from '../../hub/src/realtime/types.ts';
import { assertPayload } from '../../hub/src/validate.ts';
import { log, publish, runBench } from './bench-run.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { median } from './stats.ts';

/**
 * What every socket command pays in the hub's command router, around its handler (issue #18): the
 * payload check alone, and the whole router (admission, payload check, schema, the metrics observer
 * the hub installs, the answer) for a handler that does nothing, in process, with no socket and no
 * store, so the router's own cost shows apart from what the group chat bench measures end to end.
 * Baseline in the same run: the payload check the router used before (JSON.stringify + a separate
 * depth walk), kept here, and zod's parse of the same payload (which every command pays anyway).
 *
 *   pnpm --filter @fengqiao/load bench:command-path   (ROUNDS=7, N=200000 calls per round)
 */
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const N = Number(process.env.N ?? 200_000);
const MAX_PAYLOAD_BYTES = 64 * 1024;
const REPO = new URL('../../', import.meta.url).pathname;

/** The check the router made before `assertPayload`: a depth walk, then the JSON's UTF-8 length. */
function checkedByStringify(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    if (depth > 32) throw errors.tooDeep(32);
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  if (Buffer.byteLength(JSON.stringify(value ?? null)) > MAX_PAYLOAD_BYTES) throw errors.tooLarge(MAX_PAYLOAD_BYTES);
}

/** As the wire delivers them (JSON.parse'd): the group chat bench's send, and one with a long Chinese text. */
const PAYLOADS = {
  'message:send, 23 characters': {
    groupId: '01JF8Z3K5Q2W4E6R8T0Y1U3I5O',
    clientId: 'bench-01JF8Z3K5Q2W4E6R8T0Y1U3I5O-17',
    text: '今晚八点在社区广场集合，请各位网格员准时到场。',
  },
  'message:send, 1,980 characters, 2 mentions': {
    groupId: '01JF8Z3K5Q2W4E6R8T0Y1U3I5O',
    clientId: 'bench-01JF8Z3K5Q2W4E6R8T0Y1U3I5O-18',
    text: '请各位网格员今晚到场。'.repeat(180),
    mentions: ['01JF8Z3K5Q2W4E6R8T0Y1U3I5A', '01JF8Z3K5Q2W4E6R8T0Y1U3I5B'],
  },
};

/**
 * CPU time this process has used, in µs (user + system): on a machine other work keeps busy, the
 * CPU a call takes is steadier than the wall time it waits.
 */
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** CPU µs per call of `fn`, median of rounds (round 0 warms up and is dropped). */
function perCall(fn: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r <= ROUNDS; r += 1) {
    const t0 = cpuUs();
    for (let i = 0; i < N; i += 1) fn();
    if (r > 0) rounds.push((cpuUs() - t0) / N);
  }
  return median(rounds);
}

/** CPU µs per command through the router's listener, `inFlight` at a time, each awaited to its ack. */
async function perCommand(inFlight: number, payload: unknown): Promise<number> {
  const metrics = createMetrics();
  const router = createCommandRouter({
    log: createLogger('warn'),
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    limits: createCommandLimits(loadConfig({}).socketLimits),
    observer: observeCommands(metrics), // the observer the hub installs (realtime-server.ts)
  });
  router.define('message:send', sendMessagePayload as never, async () => ({}) as never);
  const socket = {
    id: 'bench-socket',
    data: {
      principal: {
        kind: 'session',
        sessionId: 's',
        user: { id: 'u', name: '张三', role: 'officer', unit_id: 'unit', password_change_required: 0 },
      },
    },
    emit: () => true,
  } as unknown as HubSocket;
  const batches = Math.ceil(N / 4 / inFlight);
  const rounds: number[] = [];
  for (let r = 0; r <= ROUNDS; r += 1) {
    const t0 = cpuUs();
    for (let b = 0; b < batches; b += 1) {
      const acks: Promise<void>[] = [];
      for (let i = 0; i < inFlight; i += 1)
        acks.push(
          new Promise<void>((resolve, reject) =>
            router.listener.call(socket, 'message:send', payload, (res: { ok: boolean }) =>
              res.ok ? resolve() : reject(new Error(JSON.stringify(res))),
            ),
          ),
        );
      await Promise.all(acks);
    }
    if (r > 0) rounds.push((cpuUs() - t0) / (batches * inFlight));
  }
  return median(rounds);
}

runBench(async () => {
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const rows: string[] = [];
  const result: { startedAt: string; machine: typeof machine; rows: Record<string, unknown>[] } = {
    startedAt,
    machine,
    rows: [],
  };
  for (const [name, body] of Object.entries(PAYLOADS)) {
    const payload: unknown = JSON.parse(JSON.stringify(body));
    const jsonBytes = Buffer.byteLength(JSON.stringify(payload));
    log(`${name} (${jsonBytes} bytes): payload checks`);
    const before = perCall(() => checkedByStringify(payload));
    const after = perCall(() => assertPayload(payload, MAX_PAYLOAD_BYTES));
    const schema = perCall(() => void sendMessagePayload.safeParse(payload));
    log(`${name}: router`);
    const sequential = await perCommand(1, payload);
    const sixteen = await perCommand(16, payload);
    result.rows.push({ name, jsonBytes, before, after, schema, sequential, sixteen });
    rows.push(
      `| ${name} (${jsonBytes} B) | ${before.toFixed(3)} | ${after.toFixed(3)} | ${(before / after).toFixed(1)}× | ${schema.toFixed(2)} | ${sequential.toFixed(2)} | ${sixteen.toFixed(2)} |`,
    );
  }
  machine.loadAvgEnd = loadavg();
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  const markdown = [
    `## ${startedAt.slice(0, 10)} — the command router's cost per command, in process`,
    '',
    `- command: \`${commandLine('harness/command-path.bench.ts')}\``,
    `- code: ${codeVersion(REPO)}`,
    `- machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average at start ${load(machine.loadAvgStart)}, at end ${load(machine.loadAvgEnd)}`,
    `- ${ROUNDS} rounds of ${N.toLocaleString('en')} calls after a warm-up round (router: a quarter as many commands), median CPU time (user + system) per call`,
    '',
    '| payload | check before: stringify + depth walk (CPU µs) | `assertPayload` (CPU µs) | before / after | zod schema parse (CPU µs) | router per command, one at a time (CPU µs) | router per command, 16 in flight (CPU µs) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  await publish(result, markdown, 'command-path');
});
