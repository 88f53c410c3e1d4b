import type { HubServer } from '../realtime/types.ts';
import { rooms } from '../realtime/types.ts';
import type { HotlineAudience, HotlineNotifier } from './hotline-context.ts';

/** What every desk room's name starts with. */
export const HOTLINE_DESK_ROOM_PREFIX = 'hotline-desk:';
/** Room of a station's hotline desk: its head and delegates. Residents never join it. */
export const hotlineDeskRoom = (stationId: string) => `${HOTLINE_DESK_ROOM_PREFIX}${stationId}`;

/** The staff side of a thread: the desk's room and the assignee's own room (one emit; Socket.IO sends once per socket). */
const staffRooms = (to: HotlineAudience) => [
  hotlineDeskRoom(to.stationId),
  ...(to.assigneeId ? [rooms.user(to.assigneeId)] : []),
];

/**
 * Hotline fan-out. The resident's projection goes only to the resident's own room; the staff
 * projection and notes go only to staff rooms, so nothing staff-only can reach a resident's socket.
 */
export function createHotlineNotifier(io: HubServer): HotlineNotifier {
  return {
    message: (m, to) => void io.to([rooms.user(to.residentId), ...staffRooms(to)]).emit('hotline:message-created', m),
    threadChanged: (v, to, change) => {
      if (v.resident) io.to(rooms.user(to.residentId)).emit('hotline:thread-changed', { thread: v.resident, change });
      io.to(staffRooms(to)).emit('hotline:thread-changed', { thread: v.staff, change });
    },
    noteAdded: (note, to) => void io.to(staffRooms(to)).emit('hotline:note-added', note),
    overdue: (thread, headIds) => {
      if (headIds.length) io.to(headIds.map(rooms.user)).emit('hotline:overdue', { thread });
    },
    cannedChanged: (stationId) => void io.to(hotlineDeskRoom(stationId)).emit('hotline:canned-changed', { stationId }),
    deskChanged: (stationId, userId, enabled) => {
      if (enabled) io.in(rooms.user(userId)).socketsJoin(hotlineDeskRoom(stationId));
      else io.in(rooms.user(userId)).socketsLeave(hotlineDeskRoom(stationId));
    },
  };
}
