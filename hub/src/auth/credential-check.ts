import type { PersonDirectory } from './people.ts';
import type { BotTokenService } from './bot-token.service.ts';
import type { SessionService } from './session.service.ts';

/** The credentials behind a node's open sockets. */
export interface HeldCredentials {
  sessionIds: string[];
  tokenIds: string[];
  userIds: string[];
  /** What the sockets' principals say of each person (unit × role rooms and the password gate hang on it). */
  people?: HeldPerson[];
}

/** A person as an open socket's principal saw them at its handshake. */
export interface HeldPerson {
  id: string;
  role: string;
  unitId: string;
  passwordChangeRequired: number;
}

/** Store look-ups are split so a node with many sockets never exceeds a dialect's bound-parameter limit. */
const CHUNK = 500;

async function inChunks<T>(ids: string[], look: (chunk: string[]) => Promise<Iterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await look(ids.slice(i, i + CHUNK))));
  return out;
}

/**
 * The realtime keep-alive's store side. First the sessions of open sockets count as used (they
 * slide, as use does); then the credentials valid at the handshake are checked again: which
 * sessions ended (idled out, logged out or deleted elsewhere), which bot tokens were revoked, which
 * people were disabled, so that no path that ends a credential leaves a socket working.
 */
export function createCredentialCheck(deps: {
  sessions: SessionService;
  botTokens: BotTokenService;
  org: PersonDirectory;
}) {
  return async (
    held: HeldCredentials,
  ): Promise<{ sessions: string[]; tokens: string[]; users: string[]; changed: string[] }> => {
    await inChunks(held.sessionIds, async (chunk) => {
      await deps.sessions.touch(chunk);
      return [];
    });
    const liveSessions = new Set(await inChunks(held.sessionIds, deps.sessions.liveAmong));
    const liveTokens = new Set(await inChunks(held.tokenIds, deps.botTokens.activeAmong));
    return {
      sessions: held.sessionIds.filter((id) => !liveSessions.has(id)),
      tokens: held.tokenIds.filter((id) => !liveTokens.has(id)),
      users: await inChunks(held.userIds, deps.org.inactiveAmong),
      changed: await changedAmong(deps.org, held.people ?? []),
    };
  };
}
export type CredentialCheck = ReturnType<typeof createCredentialCheck>;

/**
 * People whose unit, role or temporary-password flag changed since a socket's handshake: a change
 * made while fan-out between nodes was down did not close their sockets here, so the keep-alive does.
 */
async function changedAmong(org: PersonDirectory, people: HeldPerson[]): Promise<string[]> {
  const ids = [...new Set(people.map((p) => p.id))];
  const now = new Map(
    (await inChunks(ids, (chunk) => org.peopleAmong(chunk))).map((p) => [
      p.id,
      `${p.role}|${p.unit_id}|${p.password_change_required}`,
    ]),
  );
  const changed = people.filter((p) => {
    const current = now.get(p.id);
    return current !== undefined && current !== `${p.role}|${p.unitId}|${p.passwordChangeRequired}`;
  });
  return [...new Set(changed.map((p) => p.id))];
}
