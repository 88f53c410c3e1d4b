// The flooding client of socket-burst.test.ts, in a worker thread of its own: encoding and sending
// thousands of commands must not run on the event loop of the hub it is measuring.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { io } from 'socket.io-client';

const { url, cookie, groupId, plan } = workerData;
const socket = io(url, {
  transports: ['websocket'],
  reconnection: false,
  forceNew: true,
  extraHeaders: { cookie, origin: url },
});
await new Promise((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('connect_error', reject);
});
parentPort.postMessage({ type: 'connected' });
const started = performance.now();
const answers = await Promise.all(
  plan.flatMap(({ event, count, payload }) =>
    Array.from({ length: count }, () => socket.emitWithAck(event, { groupId, ...payload }).then((a) => [event, a])),
  ),
);
const ms = performance.now() - started;
const tally = {};
for (const [event, a] of answers) {
  const key = a.ok ? 'ok' : a.error.code;
  tally[event] ??= {};
  tally[event][key] = (tally[event][key] ?? 0) + 1;
}
const after = await socket.emitWithAck('group:history', { groupId, limit: 10 });
socket.close();
parentPort.postMessage({ type: 'done', ms, tally, afterOk: after.ok === true });
