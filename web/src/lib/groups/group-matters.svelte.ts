import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { MatterCategory, MatterView } from '@fengqiao/hub/protocol';
import type { FailureCode } from '../api/error-message.ts';
import { newClientId } from '../realtime/client-id.ts';
import { connection, type CommandAck, type CommandPayload, type CommandResult } from '../realtime/index.ts';
import { outbox, type OutboxEntry, type OutboxSettlement } from '../realtime/outbox.svelte.ts';
import { isMatterOpen } from './group-rules.ts';

/** Open ones first, then newest first. */
function matterOrder(a: MatterView, b: MatterView): number {
  const openA = isMatterOpen(a.status);
  if (openA !== isMatterOpen(b.status)) return openA ? -1 : 1;
  return b.createdAt - a.createdAt;
}

/**
 * Matters (登记问题) of the person's groups: a group's list is fetched when its chat is opened
 * (again after every reconnect, since changes may have been missed) and kept current by
 * `matter:changed`. Registering and resolving go through the outbox (they carry a client id);
 * starting, assigning and handing off are sent directly and answered at once.
 */
class GroupMatters {
  #byId = new SvelteMap<string, MatterView>();
  #loaded = new SvelteSet<string>();
  #loading = new SvelteSet<string>();
  #failed = new SvelteMap<string, FailureCode>();
  #stops: (() => void)[] = [];

  /** Starts listening for the signed-in person. */
  start(): void {
    this.stop();
    this.#stops = [
      connection.on('matter:changed', (m) => this.#put(m)),
      // What changed while offline is not pushed again: lists are fetched anew when next shown.
      connection.onConnected(() => this.#loaded.clear()),
      outbox.onSettled((s) => this.#settled(s)),
    ];
  }

  /** Stops listening and forgets. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.#byId.clear();
    this.#loaded.clear();
    this.#loading.clear();
    this.#failed.clear();
  }

  /** One matter. */
  get(matterId: string): MatterView | undefined {
    return this.#byId.get(matterId);
  }

  /** A group's matters, open ones first. */
  list(groupId: string): MatterView[] {
    return [...this.#byId.values()].filter((m) => m.groupId === groupId).sort(matterOrder);
  }

  /** Matters raised from one message. */
  forMessage(groupId: string, seq: number): MatterView[] {
    return this.list(groupId).filter((m) => m.seq === seq);
  }

  /** How many of a group's matters still need someone. */
  openCount(groupId: string): number {
    let n = 0;
    for (const m of this.#byId.values()) if (m.groupId === groupId && isMatterOpen(m.status)) n += 1;
    return n;
  }

  /** True once the group's list has been fetched since the last connection. */
  loaded(groupId: string): boolean {
    return this.#loaded.has(groupId);
  }

  /** Why the group's list could not be fetched, if it could not. */
  failure(groupId: string): FailureCode | undefined {
    return this.#failed.get(groupId);
  }

  /** Fetches a group's list unless it is fresh or on its way. */
  async ensure(groupId: string): Promise<void> {
    if (this.#loaded.has(groupId) || this.#loading.has(groupId) || connection.state !== 'connected') return;
    this.#loading.add(groupId);
    const res = await connection.emit('matter:list', { groupId });
    this.#loading.delete(groupId);
    if (!res.ok) {
      this.#failed.set(groupId, res.error.code);
      return;
    }
    this.#failed.delete(groupId);
    for (const m of res.matters) this.#put(m);
    this.#loaded.add(groupId);
  }

  /** 登记问题 from a message. */
  register(p: {
    groupId: string;
    seq: number;
    category: MatterCategory;
    title: string;
    assigneeId?: string;
  }): Promise<CommandAck<'matter:create'>> {
    return outbox.send({ event: 'matter:create', payload: { ...p, clientId: newClientId() } });
  }

  /** 开始处理. */
  begin(matterId: string): Promise<CommandResult<'matter:update'>> {
    return this.#update({ action: 'start', matterId });
  }

  /** 指派 to a staff member of the group. */
  assign(matterId: string, assigneeId: string): Promise<CommandResult<'matter:update'>> {
    return this.#update({ action: 'assign', matterId, assigneeId });
  }

  /** 移交 to another department (一报警三分发). */
  handOff(matterId: string, department: string, note: string): Promise<CommandResult<'matter:update'>> {
    return this.#update(
      note === '' ? { action: 'hand_off', matterId, department } : { action: 'hand_off', matterId, department, note },
    );
  }

  /** 答复办结: the answer is posted into the group quoting the original message. */
  resolve(matterId: string, answer: string): Promise<CommandAck<'matter:update'>> {
    return outbox.send({
      event: 'matter:update',
      payload: { action: 'resolve', matterId, clientId: newClientId(), answer },
    });
  }

  /** Registrations and answers of a group still waiting in the outbox. */
  queued(groupId: string): OutboxEntry[] {
    return outbox.entries.filter(
      (e) =>
        (e.command.event === 'matter:create' && e.command.payload.groupId === groupId) ||
        (e.command.event === 'matter:update' && this.#byId.get(e.command.payload.matterId)?.groupId === groupId),
    );
  }

  async #update(payload: CommandPayload<'matter:update'>): Promise<CommandResult<'matter:update'>> {
    const res = await connection.emit('matter:update', payload);
    if (res.ok) this.#put(res.matter);
    return res;
  }

  /** Keeps the newer of two copies of a matter. */
  #put(m: MatterView): void {
    const held = this.#byId.get(m.id);
    if (!held || m.updatedAt >= held.updatedAt) this.#byId.set(m.id, m);
  }

  #settled(settled: OutboxSettlement): void {
    if ((settled.event === 'matter:create' || settled.event === 'matter:update') && settled.result.ok)
      this.#put(settled.result.matter);
  }
}

/** The matters of the person's groups. */
export const groupMatters = new GroupMatters();
