import { pushVisibilityPayload } from '../protocol/schemas.ts';
import type { SocketModule } from '../realtime/realtime-server.ts';
import type { HubSocket } from '../realtime/types.ts';
import type { SubscriptionService } from './subscription.service.ts';

/**
 * `push:visibility`: a page reports that it is open and visible (renewed every 30 s) or hidden.
 * While it is visible its session's devices get no push (the page shows the news itself). A
 * socket that said "visible" and then closes clears it at once, so a closed page is pushed again.
 */
export function pushSocketModule(subscriptions: SubscriptionService): SocketModule {
  const watched = new WeakSet<HubSocket>();
  return {
    commands(define) {
      define('push:visibility', pushVisibilityPayload, async (p, { socket }) => {
        const principal = socket.data.principal;
        if (principal.kind !== 'session') return {};
        const sessionId = principal.sessionId;
        await subscriptions.setVisible(sessionId, p.visible);
        if (p.visible && !watched.has(socket)) {
          watched.add(socket);
          socket.once('disconnect', () => void subscriptions.setVisible(sessionId, false).catch(() => {}));
        }
        return {};
      });
    },
  };
}
