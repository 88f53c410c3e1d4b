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
} from '../protocol/index.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import { hotlineDeskRoom } from './hotline-notifier.ts';
import type { HotlineService } from './hotline.service.ts';

/** Socket.IO handlers of the hotline: validate (in define) → service → ack. */
export function hotlineSocketModule(hotline: HotlineService): SocketModule {
  return (socket, define) => {
    const actor = actorOf(socket.data.principal);
    // Desk rooms first, so a thread is either in the inbox answer or arrives live after it.
    const joined = hotline.handledStations(actor).then((ids) => socket.join(ids.map(hotlineDeskRoom)));
    joined.catch(() => socket.disconnect(true));

    define('hotline:create', hotlineCreatePayload, (p) => hotline.create(actor, p));
    define('hotline:send', hotlineSendPayload, (p) => hotline.send(actor, p));
    define('hotline:mine', hotlineMinePayload, async () => ({ threads: await hotline.mine(actor) }));
    define('hotline:inbox', hotlineInboxPayload, async (p) => {
      await joined;
      return { threads: await hotline.inbox(actor, p), deskStationIds: await hotline.deskStations(actor) };
    });
    define('hotline:thread', hotlineThreadPayload, async (p) => ({ thread: await hotline.thread(actor, p.threadId) }));
    define('hotline:sync', hotlineSyncPayload, async (p) => {
      await joined;
      return hotline.sync(actor, p.cursors, p.limit);
    });
    define('hotline:history', hotlineHistoryPayload, async (p) => ({ messages: await hotline.history(actor, p.threadId, p.beforeSeq, p.limit) }));
    define('hotline:read', hotlineReadPayload, (p) => hotline.read(actor, p.threadId, p.seq));
    define('hotline:assign', hotlineAssignPayload, async (p) => ({ thread: await hotline.assign(actor, p.threadId, p.assigneeId) }));
    define('hotline:hand-off', hotlineHandOffPayload, (p) => hotline.handOff(actor, p));
    define('hotline:resolve', hotlineResolvePayload, (p) => hotline.resolve(actor, p));
    define('hotline:rate', hotlineRatePayload, async (p) => ({ thread: await hotline.rate(actor, p) }));
    define('hotline:reopen', hotlineReopenPayload, (p) => hotline.reopen(actor, p));
    define('hotline:note', hotlineNotePayload, (p) => hotline.note(actor, p));
    define('hotline:notes', hotlineThreadPayload, async (p) => ({ notes: await hotline.notes(actor, p.threadId) }));
    define('hotline:follow-up', hotlineFollowUpPayload, async (p) => ({ thread: await hotline.followUp(actor, p) }));
    define('hotline:staff', hotlineStaffPayload, async (p) => ({ staff: await hotline.assignable(actor, p.threadId) }));
    define('hotline:canned', hotlineCannedListPayload, async () => ({ replies: await hotline.canned(actor) }));
    define('hotline:canned-save', hotlineCannedSavePayload, async (p) => ({ reply: await hotline.saveCanned(actor, p) }));
    define('hotline:canned-delete', hotlineCannedDeletePayload, (p) => hotline.deleteCanned(actor, p.id));
    define('hotline:delegates', hotlineDelegatesPayload, async () => ({ delegates: await hotline.delegates(actor) }));
    define('hotline:delegate', hotlineDelegatePayload, async (p) => ({ delegates: await hotline.delegate(actor, p.userId, p.enabled) }));
  };
}
