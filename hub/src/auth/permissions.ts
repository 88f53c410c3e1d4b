import { STAFF_ROLES, type Role } from '../protocol/index.ts';

/** Who is asking: enough of a person to decide what they may do. */
export interface Actor {
  id: string;
  role: Role;
  unitId: string;
}

/**
 * Every "may this person do this to that" decision, one function each, used by REST routes and
 * socket handlers alike. The flows add theirs here as they land.
 */
export const can = {
  /** Enable or disable accounts. */
  manageUsers: (actor: Actor): boolean => actor.role === 'admin',
  /** Issue and revoke bot API tokens. */
  manageBotTokens: (actor: Actor): boolean => actor.role === 'admin',
  /** See who of a list of people is online: staff only; residents never learn about others. */
  queryPresence: (actor: Actor): boolean => STAFF_ROLES.includes(actor.role) || actor.role === 'bot',
};
