import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  checkCatchUpFollowsMembership,
  connectSocket,
  login,
  serviceAvailable,
  startNodePair,
  type NodePair,
} from '@fengqiao/hub/test-support';

const ready = (await serviceAvailable('postgres')) && (await serviceAvailable('redis'));

/**
 * `group:sync` answers from the group rooms a socket is in, so a membership changed on another
 * node must move those rooms there: residents on node B, approved into the grid group or removed
 * from it by an officer on node A, get the group's messages in the catch-up only while members.
 */
describe.skipIf(!ready)('catch-up rooms across hub nodes', () => {
  let pair: NodePair | undefined;

  beforeAll(async () => {
    pair = await startNodePair('catchup');
  });
  afterAll(() => pair?.close());

  it('follows an approval and a removal made on the other node', async () => {
    const { a, b } = pair!;
    await checkCatchUpFollowsMembership({
      hub: a.hub,
      officerUrl: a.url,
      residentUrl: b.url,
      open: async (url, who) => connectSocket(url, { cookie: (await login(url, who)).cookie }),
      // The removal tells the person first and leaves the room after: node B applies the leave next.
      async removalApplied(socket, groupId) {
        const here = b.hub.realtime.io.of('/').sockets.get(socket.id!)!;
        while (here.rooms.has(`group:${groupId}`)) await new Promise((resolve) => setImmediate(resolve));
      },
    });
  });
});
