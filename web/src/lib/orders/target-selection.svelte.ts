import type { Role } from '@fengqiao/hub/protocol';
import { resolveRecipients, type ScopeTree, type TargetSelection, type UnitPick } from './order-targets.ts';

/**
 * What the dispatcher has ticked in the target picker, with the live count of who it reaches.
 * One per composer; the tree and the sender come from the page.
 */
export class TargetSelectionState {
  #units = $state<UnitPick[]>([]);
  #people = $state<string[]>([]);
  #tree: () => ScopeTree | null;
  #selfId: () => string;

  constructor(tree: () => ScopeTree | null, selfId: () => string) {
    this.#tree = tree;
    this.#selfId = selfId;
  }

  /** Units picked, each whole or by roles. */
  get units(): readonly UnitPick[] {
    return this.#units;
  }
  /** People picked by name. */
  get people(): readonly string[] {
    return this.#people;
  }
  /** True when nothing is picked. */
  get empty(): boolean {
    return this.#units.length === 0 && this.#people.length === 0;
  }

  /** The selection as plain data (for `toTargets`). */
  get value(): TargetSelection {
    return {
      units: this.#units.map((u) => ({ unitId: u.unitId, roles: u.roles ? [...u.roles] : null })),
      people: [...this.#people],
    };
  }

  /** Everyone the selection reaches, resolved as the hub will at send time. */
  readonly recipients = $derived.by(() => {
    const tree = this.#tree();
    return tree ? resolveRecipients(tree, this.value, this.#selfId()) : new Set<string>();
  });

  /** The pick of a unit, if it is picked. */
  unit(unitId: string): UnitPick | undefined {
    return this.#units.find((u) => u.unitId === unitId);
  }

  /** Picks a whole unit, or drops it. */
  toggleUnit(unitId: string): void {
    if (this.unit(unitId)) this.#units = this.#units.filter((u) => u.unitId !== unitId);
    else this.#units = [...this.#units, { unitId, roles: null }];
  }

  /** Narrows a picked unit to some roles, or widens it again (an empty choice means the whole unit). */
  toggleRole(unitId: string, role: Role): void {
    this.#units = this.#units.map((u) => {
      if (u.unitId !== unitId) return u;
      const roles = u.roles?.includes(role) ? u.roles.filter((r) => r !== role) : [...(u.roles ?? []), role];
      return { unitId, roles: roles.length === 0 ? null : roles };
    });
  }

  /** Widens a picked unit back to everyone in it. */
  wholeUnit(unitId: string): void {
    this.#units = this.#units.map((u) => (u.unitId === unitId ? { unitId, roles: null } : u));
  }

  /** Picks or drops one person. */
  togglePerson(userId: string): void {
    this.#people = this.#people.includes(userId)
      ? this.#people.filter((id) => id !== userId)
      : [...this.#people, userId];
  }

  /** Clears everything (after sending). */
  clear(): void {
    this.#units = [];
    this.#people = [];
  }
}
