import { actorOf } from '../auth/authenticator.ts';
import {
  groupDirectPayload,
  groupHistoryPayload,
  groupListPayload,
  groupMemberPayload,
  groupNoticePayload,
  groupNoticeReadPayload,
  groupPresencePayload,
  groupTypingPayload,
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
import type { GroupAdminService } from './group-admin.service.ts';
import { errors } from '../errors.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import type { GroupService } from './group.service.ts';

/** Room of one group's live fan-out. */
export const groupRoom = (groupId: string) => `group:${groupId}`;

/** Socket.IO handlers of group chat: validate (in define) → service → ack. */
export function groupSocketModule(groups: GroupService, matters: MatterService, admin: GroupAdminService): SocketModule {
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
    define('group:direct', groupDirectPayload, async (p) => ({ group: await groups.direct(actor, p.userId) }));
    define('group:notice', groupNoticePayload, (p) => admin.setNotice(actor, p.groupId, p.text));
    define('group:notice-read', groupNoticeReadPayload, (p) => admin.readNotice(actor, p.groupId));
    define('group:member', groupMemberPayload, async (p) => ({ member: await admin.member(actor, p) }));
    define('group:members', groupNoticeReadPayload, async (p) => ({ members: await admin.members(actor, p.groupId) }));
    // Ephemeral signals go only to rooms this socket has joined, i.e. its own groups.
    const inGroup = async (groupId: string) => {
      await joined;
      if (!socket.rooms.has(groupRoom(groupId))) throw errors.notFound('group');
    };
    define('group:typing', groupTypingPayload, async (p) => {
      await inGroup(p.groupId);
      socket.to(groupRoom(p.groupId)).emit('group:typing', { groupId: p.groupId, user: { id: actor.id, name: socket.data.principal.user.name } });
      return {};
    });
    define('group:presence', groupPresencePayload, async (p) => {
      await inGroup(p.groupId);
      const here = await socket.nsp.in(groupRoom(p.groupId)).fetchSockets();
      return { online: [...new Set(here.map((s) => s.data.principal.user.id))] };
    });
    define('matter:create', matterCreatePayload, async (p) => ({ matter: await matters.create(actor, p) }));
    define('matter:update', matterUpdatePayload, async (p) => ({ matter: await matters.update(actor, p) }));
    define('matter:list', matterListPayload, async (p) => ({ matters: await matters.list(actor, p.groupId, p.status) }));
    define('message:search', messageSearchPayload, async (p) => ({ hits: await groups.search(actor, p.query, p.groupId) }));
    define('message:recall', messageRecallPayload, async (p) => ({ message: await groups.recall(actor, p.groupId, p.seq) }));
  };
}
