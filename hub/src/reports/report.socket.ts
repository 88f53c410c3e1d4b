import type { SocketModule } from '../realtime/realtime-server.ts';
import type { HubServer } from '../realtime/types.ts';
import type { ReportNotifier } from './report.service.ts';

/** Room of every connected bot on every node. */
export const BOTS_ROOM = 'role:bot';

/** Bots' sockets join the bots' room; reports have no socket commands (REST carries them). */
export function reportSocketModule(): SocketModule {
  return {
    connect(socket) {
      if (socket.data.principal.user.role === 'bot') void socket.join(BOTS_ROOM);
    },
  };
}

/** Tells the bots a person asked for a report, so one of them adds the summaries. */
export function createReportNotifier(io: HubServer): ReportNotifier {
  return { reportCreated: (reportId) => void io.to(BOTS_ROOM).emit('report:created', { reportId }) };
}
