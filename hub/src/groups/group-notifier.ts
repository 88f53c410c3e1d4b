import type { HubServer } from '../realtime/types.ts';
import type { GroupNotifier } from './group.service.ts';
import type { MatterNotifier } from './matter.service.ts';
import type { GroupAdminNotifier } from './group-admin.service.ts';
import type { UnitGroupNotifier } from './unit-groups.ts';
import { rooms } from '../realtime/types.ts';
import { presenceRoom } from './presence-announcer.ts';
import { readsRoom } from './read-status-announcer.ts';

/** What every group's room name starts with. */
export const GROUP_ROOM_PREFIX = 'group:';
/** Room of one group's live fan-out. */
export const groupRoom = (groupId: string) => `${GROUP_ROOM_PREFIX}${groupId}`;

/** One emit per message to the group's room: one adapter message across nodes. */
export function createGroupNotifier(
  io: HubServer,
): GroupNotifier & MatterNotifier & GroupAdminNotifier & UnitGroupNotifier {
  // Joined on every node, and told through their own rooms: the group's room may not hold them yet.
  // On another node the join and the event travel one Redis stream, in order.
  const membersJoined = (groupId: string, userIds: string[]) => {
    const own = userIds.map(rooms.user);
    void io.in(own).socketsJoin(groupRoom(groupId));
    io.to(own).emit('group:changed', { groupId });
  };
  return {
    joined: (groupId, userIds) => void io.in(userIds.map(rooms.user)).socketsJoin(groupRoom(groupId)),
    messageCreated: (m) => void io.to(groupRoom(m.groupId)).emit('message:created', m),
    messageChanged: (m) => void io.to(groupRoom(m.groupId)).emit('message:changed', m),
    matterChanged: (m) => void io.to(groupRoom(m.groupId)).emit('matter:changed', m),
    groupChanged: (groupId) => void io.to(groupRoom(groupId)).emit('group:changed', { groupId }),
    // On every node: the removed person's sockets stop receiving the group (its messages, presence
    // and read counts) at once, and are told (through their own room, which they keep) so that their
    // list drops it.
    memberRemoved: (groupId, userId) => {
      io.to(rooms.user(userId)).emit('group:changed', { groupId });
      void io.in(rooms.user(userId)).socketsLeave([groupRoom(groupId), presenceRoom(groupId), readsRoom(groupId)]);
    },
    memberApproved: (groupId, userId) => membersJoined(groupId, [userId]),
    membersJoined,
  };
}
