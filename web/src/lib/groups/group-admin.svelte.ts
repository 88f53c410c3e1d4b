import { SvelteMap } from 'svelte/reactivity';
import type { GroupMemberPayload, GroupMemberView } from '@fengqiao/hub/protocol';
import { connection, type CommandResult } from '../realtime/index.ts';
import { groupChat } from './group-chat.svelte.ts';

/**
 * A group's members and keeping order in it: who is in it (and, for staff, who waits for
 * approval), approving, muting (禁言) and removing residents, pinning the notice (群公告) and
 * marking it read, and opening a one-to-one conversation with a colleague. Members are fetched
 * when first needed and again when the hub says the group changed.
 */
class GroupAdmin {
  #members = new SvelteMap<string, GroupMemberView[]>();
  #loading = new Set<string>();
  #stops: (() => void)[] = [];

  /** Listens for changes of groups whose members are held. */
  start(): void {
    this.stop();
    this.#stops = [
      connection.on('group:changed', ({ groupId }) => {
        if (this.#members.has(groupId)) void this.load(groupId, true);
      }),
      // Membership may have changed while away: fetched again when next needed.
      connection.onConnected(() => this.#members.clear()),
    ];
  }

  /** Stops listening and forgets the members. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.#members.clear();
  }

  /** The group's members, once loaded. */
  members(groupId: string): GroupMemberView[] | undefined {
    return this.#members.get(groupId);
  }

  /** Fetches the group's members unless they are here already (or `force`). */
  async load(groupId: string, force = false): Promise<void> {
    if ((!force && this.#members.has(groupId)) || this.#loading.has(groupId)) return;
    this.#loading.add(groupId);
    try {
      const res = await connection.emit('group:members', { groupId });
      if (res.ok) this.#members.set(groupId, res.members);
    } finally {
      this.#loading.delete(groupId);
    }
  }

  /** Approves, mutes, unmutes or removes a resident (the group's officers); the list follows. */
  async act(payload: GroupMemberPayload): Promise<CommandResult<'group:member'>> {
    const res = await connection.emit('group:member', payload);
    if (res.ok) await this.load(payload.groupId, true);
    return res;
  }

  /** Pins a notice (群公告) for the group; the group list brings it to everyone. */
  async pinNotice(groupId: string, text: string): Promise<CommandResult<'group:notice'>> {
    const res = await connection.emit('group:notice', { groupId, text });
    if (res.ok) await groupChat.refresh();
    return res;
  }

  /** Marks the group's current notice read by the person. */
  async readNotice(groupId: string): Promise<void> {
    const res = await connection.emit('group:notice-read', { groupId });
    if (res.ok) groupChat.noticeRead(groupId);
  }

  /** Finds or opens the one-to-one conversation with a colleague; its group id, or the failure. */
  async direct(
    userId: string,
  ): Promise<{ ok: true; groupId: string } | Extract<CommandResult<'group:direct'>, { ok: false }>> {
    const res = await connection.emit('group:direct', { userId });
    if (!res.ok) return res;
    groupChat.adopt(res.group);
    return { ok: true, groupId: res.group.id };
  }
}

/** Members and moderation of the person's groups. */
export const groupAdmin = new GroupAdmin();
