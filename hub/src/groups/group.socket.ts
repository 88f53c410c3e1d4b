import { actorOf } from '../auth/authenticator.ts';
import {
  groupHistoryPayload,
  groupListPayload,
  groupReadPayload,
  groupSyncPayload,
  matterCreatePayload,
  matterListPayload,
  matterUpdatePayload,
  messageRecallPayload,
  messageSearchPayload,
  sendMessagePayload,
} from '../protocol/index.ts';
import type { MatterService } from './matter.service.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import type { GroupService } from './group.service.ts';

/** Room of one group's live fan-out. */
export const groupRoom = (groupId: string) => `group:${groupId}`;

/** Socket.IO handlers of group chat: validate (in define) → service → ack. */
export function groupSocketModule(groups: GroupService, matters: MatterService): SocketModule {
  return (socket, define) => {
    const actor = actorOf(socket.data.principal);
    // Join the rooms before any catch-up is read, so a message is either in the sync answer or
    // arrives live after it (or both: clients drop a seq they already hold). Never neither.
    const joined = groups.groupIdsOf(actor.id).then((ids) => socket.join(ids.map(groupRoom)));
    joined.catch(() => socket.disconnect(true));

    define('group:list', groupListPayload, async () => ({ groups: await groups.list(actor) }));
    define('group:sync', groupSyncPayload, async (p) => {
      await joined;
      return groups.sync(actor, p.cursors, p.limit);
    });
    define('group:history', groupHistoryPayload, async (p) => ({ messages: await groups.history(actor, p.groupId, p.beforeSeq, p.limit) }));
    define('group:read', groupReadPayload, (p) => groups.markRead(actor, p.groupId, p.seq));
    define('message:send', sendMessagePayload, (p) => groups.send(actor, p));
    define('matter:create', matterCreatePayload, async (p) => ({ matter: await matters.create(actor, p) }));
    define('matter:update', matterUpdatePayload, async (p) => ({ matter: await matters.update(actor, p) }));
    define('matter:list', matterListPayload, async (p) => ({ matters: await matters.list(actor, p.groupId, p.status) }));
    define('message:search', messageSearchPayload, async (p) => ({ hits: await groups.search(actor, p.query, p.groupId) }));
    define('message:recall', messageRecallPayload, async (p) => ({ message: await groups.recall(actor, p.groupId, p.seq) }));
  };
}
