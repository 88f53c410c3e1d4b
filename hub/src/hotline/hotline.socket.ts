import { actorOf } from '../auth/authenticator.ts';
import {
  hotlineAssignPayload,
  hotlineCannedDeletePayload,
  hotlineCannedListPayload,
  hotlineCannedSavePayload,
  hotlineCreatePayload,
  hotlineDelegatePayload,
  hotlineDelegatesPayload,
  hotlineFollowUpPayload,
  hotlineHandOffPayload,
  hotlineHistoryPayload,
  hotlineInboxPayload,
  hotlineMinePayload,
  hotlineNotePayload,
  hotlineRatePayload,
  hotlineReadPayload,
  hotlineReopenPayload,
  hotlineResolvePayload,
  hotlineSendPayload,
  hotlineStaffPayload,
  hotlineSyncPayload,
  hotlineThreadPayload,
} from '../protocol/schemas.ts';
import { createJoinTracker } from '../realtime/join-tracker.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import type { HubSocket } from '../realtime/types.ts';
import { HOTLINE_DESK_ROOM_PREFIX, hotlineDeskRoom } from './hotline-notifier.ts';
import type { HotlineService } from './hotline.service.ts';

/** Socket.IO commands of the hotline: validate (in define) → service → ack. */
export function hotlineSocketModule(hotline: HotlineService): SocketModule {
  const rooms = createJoinTracker();
  // The stations whose desk the socket works, as its connect read them (the rooms follow delegation live).
  const desks = async (socket: HubSocket) => [...(await rooms.joinedIds(socket, HOTLINE_DESK_ROOM_PREFIX))];
  return {
    connect(socket) {
      // Desk rooms first, so a thread is either in the inbox answer or arrives live after it.
      rooms.track(
        socket,
        hotline.handledStations(actorOf(socket.data.principal)).then((ids) => socket.join(ids.map(hotlineDeskRoom))),
      );
    },
    commands(define) {
      define('hotline:create', hotlineCreatePayload, (p, { actor }) => hotline.create(actor, p));
      define('hotline:send', hotlineSendPayload, (p, { actor }) => hotline.send(actor, p));
      define('hotline:mine', hotlineMinePayload, async (_p, { actor }) => ({ threads: await hotline.mine(actor) }));
      define('hotline:inbox', hotlineInboxPayload, async (p, { actor, socket }) => {
        const deskStationIds = await desks(socket);
        return { threads: await hotline.inbox(actor, p, deskStationIds), deskStationIds };
      });
      define('hotline:thread', hotlineThreadPayload, async (p, { actor }) => ({
        thread: await hotline.thread(actor, p.threadId),
      }));
      define('hotline:sync', hotlineSyncPayload, async (p, { actor, socket }) =>
        hotline.sync(actor, p, await desks(socket)),
      );
      define('hotline:history', hotlineHistoryPayload, async (p, { actor }) => ({
        messages: await hotline.history(actor, p.threadId, p.beforeSeq, p.limit),
      }));
      define('hotline:read', hotlineReadPayload, (p, { actor }) => hotline.read(actor, p.threadId, p.seq));
      define('hotline:assign', hotlineAssignPayload, async (p, { actor }) => ({
        thread: await hotline.assign(actor, p.threadId, p.assigneeId),
      }));
      define('hotline:hand-off', hotlineHandOffPayload, (p, { actor }) => hotline.handOff(actor, p));
      define('hotline:resolve', hotlineResolvePayload, (p, { actor }) => hotline.resolve(actor, p));
      define('hotline:rate', hotlineRatePayload, async (p, { actor }) => ({ thread: await hotline.rate(actor, p) }));
      define('hotline:reopen', hotlineReopenPayload, (p, { actor }) => hotline.reopen(actor, p));
      define('hotline:note', hotlineNotePayload, (p, { actor }) => hotline.note(actor, p));
      define('hotline:notes', hotlineThreadPayload, async (p, { actor }) => ({
        notes: await hotline.notes(actor, p.threadId),
      }));
      define('hotline:follow-up', hotlineFollowUpPayload, async (p, { actor }) => ({
        thread: await hotline.followUp(actor, p),
      }));
      define('hotline:staff', hotlineStaffPayload, async (p, { actor }) => ({
        staff: await hotline.assignable(actor, p.threadId),
      }));
      define('hotline:canned', hotlineCannedListPayload, async (_p, { actor, socket }) => ({
        replies: await hotline.canned(actor, await desks(socket)),
      }));
      define('hotline:canned-save', hotlineCannedSavePayload, async (p, { actor }) => ({
        reply: await hotline.saveCanned(actor, p),
      }));
      define('hotline:canned-delete', hotlineCannedDeletePayload, (p, { actor }) => hotline.deleteCanned(actor, p.id));
      define('hotline:delegates', hotlineDelegatesPayload, async (_p, { actor }) => ({
        delegates: await hotline.delegates(actor),
      }));
      define('hotline:delegate', hotlineDelegatePayload, async (p, { actor }) => ({
        delegates: await hotline.delegate(actor, p.userId, p.enabled),
      }));
    },
  };
}
