import { createLogger } from '../../hub/src/logger.ts';
import { redisBackend } from '../../hub/src/realtime/adapter.ts';
import { allocationSampler } from './allocation-sampling.ts';
import { startBaselineServer } from './baseline-server.ts';
import { now } from './clock.ts';
import { announce, serve } from './ipc.ts';
import { loopDelayMeter } from './loop-delay.ts';
import { heapSnapshotTo, settledMemory } from './memory.ts';

/**
 * A baseline node in its own process: plain Socket.IO that relays one sender's event to every other
 * client (order fan-out), or a member's event to its room (group chat). With RELAY_REDIS_URL it
 * joins the other baseline nodes through @socket.io/redis-adapter, built by the hub's own
 * `redisBackend` so both sides fan out across nodes the same way. In the order bench only the
 * sender's socket gets a handler; the N measured sockets get nothing, as in the handshake bench.
 */
const redisUrl = process.env.RELAY_REDIS_URL || undefined;
const backend = redisUrl
  ? await redisBackend({
      url: redisUrl,
      channelPrefix: process.env.RELAY_CHANNEL_PREFIX ?? 'fq-bench-plain',
      log: createLogger('warn'),
      mode: process.env.RELAY_REDIS_ADAPTER === 'sharded' ? 'sharded' : 'classic',
    })
  : undefined;
const server = await startBaselineServer({ adapter: backend?.adapter });

server.io.on('connection', (socket) => {
  // Group chat baseline: a member joins the room its handshake names and relays into it; like
  // the hub's `io.to(room)`, the room's every socket gets the message, the sender's included.
  const room: unknown = socket.handshake.auth?.room;
  if (typeof room === 'string') {
    void socket.join(room);
    socket.on('relay-room', (to: string, event: string, payload: unknown, ack?: (res: { ok: true }) => void) => {
      server.io.to(to).emit(event, payload);
      ack?.({ ok: true });
    });
    return;
  }
  if (socket.handshake.auth?.sender !== '1') return;
  socket.on('relay', (event: string, payload: unknown, ack?: (res: { ok: true }) => void) => {
    socket.broadcast.emit(event, payload);
    ack?.({ ok: true });
  });
});

serve({
  memory: () => settledMemory(),
  heapSnapshot: heapSnapshotTo,
  cpu: async () => process.cpuUsage(),
  loopDelay: loopDelayMeter(),
  // The clock of its --cpu-prof samples, when the bench profiles it (BENCH_CPU_PROF=1).
  clock: async () => ({ wall: now(), monoUs: Number(process.hrtime.bigint() / 1000n) }),
  ...allocationSampler(),
});
process.once('SIGTERM', () => {
  void (async () => {
    await server.close();
    await backend?.close();
    process.exit(0);
  })();
});
announce({ url: server.url });
