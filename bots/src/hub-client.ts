import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, MeResponse, ServerToClientEvents } from '@fengqiao/hub/protocol';

export type BotSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How a bot reaches the hub: its base URL and the API token an admin issued (`fqb_…`). */
export interface BotCredentials {
  hubUrl: string;
  token: string;
}

/**
 * Signs a bot in to the hub like any other client: REST with `Authorization: Bearer`, and a
 * socket authenticated by `auth.token` (a bot sends no Origin, so the hub never accepts a cookie
 * from it). Resolves with who the hub says the bot is and the connected socket.
 */
export async function connectBot(creds: BotCredentials): Promise<{ me: MeResponse['me']; socket: BotSocket }> {
  const res = await fetch(new URL('/api/auth/me', creds.hubUrl), {
    headers: { authorization: `Bearer ${creds.token}` },
  });
  const body = (await res.json()) as MeResponse | { ok: false; error: { code: string; message: string } };
  if (!body.ok) throw new Error(`hub refused the bot token: ${body.error.code}: ${body.error.message}`);
  const socket: BotSocket = io(creds.hubUrl, { transports: ['websocket'], auth: { token: creds.token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.close();
      reject(new Error(`bot socket refused: ${err.data?.code ?? err.message}`));
    });
  });
  return { me: body.me, socket };
}
