import type { ServerToClientEvents } from '../protocol/index.ts';
import type { HubServer } from './types.ts';

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** Resolves once node-redis has written what was published before: it writes from a setImmediate. */
const publishWritten = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Large fan-outs with the other nodes served first. `io.to(rooms).emit()` through the Redis adapter
 * queues its PUBLISH and then writes to this node's own sockets at once; node-redis sends the
 * PUBLISH only from a later setImmediate, so every other node waits until this node has written to
 * all of its sockets (a quarter of a second at 5,000) before it even hears of the event. Here the
 * other nodes get it by serverSideEmit, that write goes out, and only then does this node serve its
 * own sockets: the nodes write in parallel.
 */
export function createFanout(io: HubServer, crossNode: boolean) {
  const local = (targets: string[], except: string[], event: string, payload: unknown) =>
    io.local
      .to(targets)
      .except(except)
      .emit(event as 'order:assigned', payload as Payload<'order:assigned'>);
  if (crossNode) io.on('fanout:rooms', (m) => local(m.rooms, m.except, m.event, m.payload));

  return {
    /** Whether other nodes take part (the Redis adapter) or this node is alone. */
    crossNode,
    /** To every socket in `targets` but not in `except`, on every node. */
    async emit<E extends keyof ServerToClientEvents>(
      targets: string[],
      event: E,
      payload: Payload<E>,
      except: string[] = [],
    ): Promise<void> {
      if (crossNode) {
        io.serverSideEmit('fanout:rooms', { rooms: targets, except, event, payload });
        await publishWritten();
      }
      local(targets, except, event, payload);
    },
    /** Runs `serveLocal` after the other nodes' message (already published) has been written to Redis. */
    async thenLocal(serveLocal: () => void): Promise<void> {
      if (crossNode) await publishWritten();
      serveLocal();
    },
  };
}
export type Fanout = ReturnType<typeof createFanout>;
