import type { CredentialCheck, HeldCredentials, HeldPerson } from '../auth/credential-check.ts';
import type { Logger } from '../logger.ts';
import type { Revocation } from './revocation.ts';
import type { HubServer } from './types.ts';

/**
 * The keep-alive of this node's open sockets: on every tick their sessions count as used, and
 * every socket whose credential ended since its handshake (session idled out or deleted, bot token
 * revoked, account disabled) is told why and closed, on whichever node it is.
 */
export function watchCredentials(deps: {
  io: HubServer;
  check: CredentialCheck;
  /** Tells ended credentials' sockets why and closes them; reconnects changed people (their sessions stay). */
  sockets: Revocation;
  everyMs: number;
  log: Logger;
}) {
  let running: Promise<void> | undefined;

  async function pass(): Promise<void> {
    const sessionIds = new Set<string>();
    const tokenIds = new Set<string>();
    const userIds = new Set<string>();
    const people = new Map<string, HeldPerson>();
    // This node's sockets only: every node checks its own.
    for (const s of deps.io.of('/').sockets.values()) {
      const p = s.data.principal;
      if (!p) continue;
      userIds.add(p.user.id);
      const u = p.user;
      const held = { id: u.id, role: u.role, unitId: u.unit_id, passwordChangeRequired: u.password_change_required };
      people.set(`${held.id}|${held.role}|${held.unitId}|${held.passwordChangeRequired}`, held);
      if (p.kind === 'session') sessionIds.add(p.sessionId);
      else tokenIds.add(p.tokenId);
    }
    const held: HeldCredentials = {
      sessionIds: [...sessionIds],
      tokenIds: [...tokenIds],
      userIds: [...userIds],
      people: [...people.values()],
    };
    const ended = await deps.check(held);
    deps.sockets.endSessions(ended.sessions, 'session_expired');
    deps.sockets.endBotTokens(ended.tokens);
    deps.sockets.endUsers(ended.users, 'account_disabled');
    const changed = ended.changed.filter((id) => !ended.users.includes(id));
    deps.sockets.reconnect(changed);
    const counts = {
      sessions: ended.sessions.length,
      tokens: ended.tokens.length,
      users: ended.users.length,
      changed: changed.length,
    };
    if (counts.sessions + counts.tokens + counts.users + counts.changed > 0)
      deps.log.info(counts, 'ended or changed credentials closed');
  }

  /** One pass now; a pass already under way is joined, never doubled. */
  const run = (): Promise<void> => (running ??= pass().finally(() => (running = undefined)));

  const tick = () => void run().catch((err: unknown) => deps.log.warn({ err }, 'credential keep-alive failed'));
  const timer = setInterval(tick, deps.everyMs);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
