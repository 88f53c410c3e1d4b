import {
  groupDirectPayload,
  groupHistoryPayload,
  groupListPayload,
  groupMemberPayload,
  groupNoticePayload,
  groupNoticeReadPayload,
  groupPresencePayload,
  groupTypingPayload,
  groupWatchPayload,
  groupReadPayload,
  groupReadCountsPayload,
  groupReadersPayload,
  groupSyncPayload,
  matterCreatePayload,
  matterListPayload,
  matterUpdatePayload,
  messageRecallPayload,
  messageSearchPayload,
  sendMessagePayload,
} from '../protocol/schemas.ts';
import type { MatterService } from './matter.service.ts';
import type { GroupAdminService } from './group-admin.service.ts';
import type { ReadStatusService } from './read-status.service.ts';
import { can } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { createJoinTracker } from '../realtime/join-tracker.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import type { HubSocket } from '../realtime/types.ts';
import { GROUP_ROOM_PREFIX, groupRoom } from './group-notifier.ts';
import { PRESENCE_ROOM_PREFIX, presenceRoom, type PresenceAnnouncer } from './presence-announcer.ts';
import { READS_ROOM_PREFIX, readsRoom } from './read-status-announcer.ts';
import type { GroupService } from './group.service.ts';

/** Socket.IO commands of group chat: validate (in define) → service → ack. */
export function groupSocketModule(
  groups: GroupService,
  matters: MatterService,
  admin: GroupAdminService,
  presence: PresenceAnnouncer,
  readStatus: ReadStatusService,
): SocketModule {
  const rooms = createJoinTracker();
  // Ephemeral signals go only to rooms this socket has joined, i.e. its own groups.
  const inGroup = async (socket: HubSocket, groupId: string) => {
    await rooms.joined(socket);
    if (!socket.rooms.has(groupRoom(groupId))) throw errors.notFound('group');
  };
  // The people with a socket in the group's room on any node.
  const onlineIn = async (socket: HubSocket, groupId: string) => {
    const here = await socket.nsp.in(groupRoom(groupId)).fetchSockets();
    return { online: [...new Set(here.map((s) => s.data.principal.user.id))] };
  };
  return {
    connect(socket) {
      // Join the rooms before any catch-up is read, so a message is either in the sync answer or
      // arrives live after it (or both: clients drop a seq they already hold). Never neither.
      const { id: userId } = socket.data.principal.user;
      rooms.track(
        socket,
        groups.groupIdsOf(userId).then((ids) => {
          void socket.join(ids.map(groupRoom));
          if (socket.connected) presence.arrived(userId, ids);
        }),
      );
      // Still in its rooms while disconnecting: the groups to tell, if this was the person's last socket.
      socket.on('disconnecting', () => {
        const ids = [...socket.rooms].filter((r) => r.startsWith(GROUP_ROOM_PREFIX));
        presence.left(
          userId,
          ids.map((r) => r.slice(GROUP_ROOM_PREFIX.length)),
        );
      });
    },
    commands(define) {
      define('group:list', groupListPayload, async (_p, { actor }) => ({ groups: await groups.list(actor) }));
      define('group:sync', groupSyncPayload, async (p, { actor, socket }) =>
        groups.sync(actor, p, await rooms.joinedIds(socket, GROUP_ROOM_PREFIX)),
      );
      define('group:history', groupHistoryPayload, async (p, { actor }) => ({
        messages: await groups.history(actor, p.groupId, p.beforeSeq, p.limit),
      }));
      define('group:read', groupReadPayload, (p, { actor }) => groups.markRead(actor, p.groupId, p.seq));
      define('group:read-counts', groupReadCountsPayload, (p, { actor }) =>
        readStatus.counts(actor, p.groupId, p.fromSeq, p.toSeq),
      );
      define('group:readers', groupReadersPayload, async (p, { actor }) => ({
        readers: await readStatus.readers(actor, p.groupId, p.seq),
      }));
      define('message:send', sendMessagePayload, (p, { actor, socket }) => {
        const { id, name, role } = socket.data.principal.user;
        return groups.send(actor, p, { id, name, role });
      });
      define('group:direct', groupDirectPayload, async (p, { actor }) => ({
        group: await groups.direct(actor, p.userId),
      }));
      define('group:notice', groupNoticePayload, (p, { actor }) => admin.setNotice(actor, p.groupId, p.text));
      define('group:notice-read', groupNoticeReadPayload, (p, { actor }) => admin.readNotice(actor, p.groupId));
      define('group:notice-readers', groupNoticeReadPayload, async (p, { actor }) => ({
        readers: await readStatus.noticeReaders(actor, p.groupId),
      }));
      define('group:ask-again', groupListPayload, (_p, { actor }) => admin.askAgain(actor));
      define('group:member', groupMemberPayload, async (p, { actor }) => ({ member: await admin.member(actor, p) }));
      define('group:members', groupNoticeReadPayload, async (p, { actor }) => ({
        members: await admin.members(actor, p.groupId),
      }));
      define('group:typing', groupTypingPayload, async (p, { actor, socket }) => {
        await inGroup(socket, p.groupId);
        socket
          .to(groupRoom(p.groupId))
          .emit('group:typing', { groupId: p.groupId, user: { id: actor.id, name: socket.data.principal.user.name } });
        return {};
      });
      define('group:presence', groupPresencePayload, async (p, { socket }) => {
        await inGroup(socket, p.groupId);
        return onlineIn(socket, p.groupId);
      });
      // One watched group per socket (its open chat): watching another (or none) leaves the previous.
      // Presence for every member; read counts for staff only (residents never see others' reading).
      define('group:watch', groupWatchPayload, async ({ groupId }, { actor, socket }) => {
        if (groupId === null) await rooms.joined(socket);
        else await inGroup(socket, groupId);
        for (const r of socket.rooms)
          if (r.startsWith(PRESENCE_ROOM_PREFIX) || r.startsWith(READS_ROOM_PREFIX)) void socket.leave(r);
        if (groupId === null) return { online: [] };
        void socket.join(
          can.seeReadStatus(actor.role) ? [presenceRoom(groupId), readsRoom(groupId)] : presenceRoom(groupId),
        );
        return onlineIn(socket, groupId);
      });
      define('matter:create', matterCreatePayload, async (p, { actor }) => ({
        matter: await matters.create(actor, p),
      }));
      define('matter:update', matterUpdatePayload, async (p, { actor }) => ({
        matter: await matters.update(actor, p),
      }));
      define('matter:list', matterListPayload, async (p, { actor }) => ({
        matters: await matters.list(actor, p.groupId, p.status),
      }));
      define('message:search', messageSearchPayload, async (p, { actor }) => ({
        hits: await groups.search(actor, p.query, p.groupId),
      }));
      define('message:recall', messageRecallPayload, async (p, { actor }) => ({
        message: await groups.recall(actor, p.groupId, p.seq),
      }));
    },
  };
}
