import type { Selectable } from 'kysely';
import type { MeView, Role } from '../protocol/index.ts';
import type { UserTable } from '../store/schema.ts';

export type UserRow = Selectable<UserTable>;
/** A person as the hub carries them around (sockets, requests): never the password hash. */
export type Person = Omit<UserRow, 'password_hash'>;

/**
 * What signing in, the credential checks and account administration need to know about people.
 * The org module owns people and answers (hub.ts hands its service in); auth never reads or
 * writes their tables itself, and never imports org.
 */
export interface PersonDirectory {
  getPerson(id: string): Promise<Person | undefined>;
  getUser(id: string): Promise<UserRow | undefined>;
  getUserByLogin(login: string): Promise<UserRow | undefined>;
  /** Which of these people are disabled or gone (their open sockets must close). */
  inactiveAmong(userIds: string[]): Promise<string[]>;
  /** Role, unit and temporary-password flag of these people, to notice a change a socket missed. */
  peopleAmong(
    userIds: string[],
  ): Promise<{ id: string; role: Role; unit_id: string; password_change_required: number }[]>;
  setDisabled(userId: string, disabled: boolean): Promise<unknown>;
  /** The signed-in person as the client sees them. */
  meView(user: Person): Promise<MeView>;
}
