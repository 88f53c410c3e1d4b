import type { HubServer } from '../realtime/types.ts';
import type { GroupNotifier } from './group.service.ts';
import type { MatterNotifier } from './matter.service.ts';
import { groupRoom } from './group.socket.ts';

/** One emit per message to the group's room: one adapter message across nodes. */
export function createGroupNotifier(io: () => HubServer): GroupNotifier & MatterNotifier {
  return {
    messageCreated: (m) => void io().to(groupRoom(m.groupId)).emit('message:created', m),
    messageChanged: (m) => void io().to(groupRoom(m.groupId)).emit('message:changed', m),
    matterChanged: (m) => void io().to(groupRoom(m.groupId)).emit('matter:changed', m),
  };
}
