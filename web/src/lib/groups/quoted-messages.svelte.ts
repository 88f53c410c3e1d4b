import { SvelteMap } from 'svelte/reactivity';
import type { MessageView } from '@fengqiao/hub/protocol';
import { connection } from '../realtime/index.ts';

/**
 * Messages quoted by replies that are not among those held (older than the loaded history):
 * fetched one by one on demand and kept while the person is signed in; a recall or removal of
 * one replaces the kept copy with its placeholder.
 */
export class QuotedMessages {
  #kept = new SvelteMap<string, MessageView | null>();
  #loading = new Set<string>();

  /** The kept copy, or undefined while it loads (the fetch starts here), or null if it cannot be had. */
  get(groupId: string, seq: number, active: () => boolean): MessageView | null | undefined {
    const key = `${groupId}:${seq}`;
    if (this.#kept.has(key)) return this.#kept.get(key);
    if (!this.#loading.has(key) && connection.state === 'connected') {
      this.#loading.add(key);
      void connection.emit('group:history', { groupId, beforeSeq: seq + 1, limit: 1 }).then((res) => {
        this.#loading.delete(key);
        if (!active()) return;
        const found = res.ok ? res.messages.find((m) => m.seq === seq) : undefined;
        if (found || res.ok) this.#kept.set(key, found ?? null);
      });
    }
    return undefined;
  }

  /** The hub's newer copy of a message (recalled or removed) replaces a kept one. */
  refresh(m: MessageView): void {
    const key = `${m.groupId}:${m.seq}`;
    if (this.#kept.has(key)) this.#kept.set(key, m);
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.#kept.clear();
  }
}
