/** Which receipt: the order reached the device, or its recipient opened it. */
export type ReceiptState = 'delivered' | 'read';

const MAX_IDS = 500;

/**
 * Delivery and read receipts, batched: ids collect for a short while and go out as one
 * `order:receipt` each. Receipts are idempotent on the hub, so what failed to send is kept and
 * sent again on the next flush (after a reconnect, say).
 */
export class ReceiptQueue {
  #queued: Record<ReceiptState, Set<string>> = { delivered: new Set(), read: new Set() };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #send: (state: ReceiptState, orderIds: string[]) => Promise<boolean>;
  #delayMs: number;

  constructor(send: (state: ReceiptState, orderIds: string[]) => Promise<boolean>, delayMs = 500) {
    this.#send = send;
    this.#delayMs = delayMs;
  }

  /** Queues a receipt; a read receipt makes a queued delivery receipt for the same order redundant. */
  add(state: ReceiptState, orderId: string): void {
    this.#queued[state].add(orderId);
    if (state === 'read') this.#queued.delivered.delete(orderId);
    this.#timer ??= setTimeout(() => void this.flush(), this.#delayMs);
  }

  /** Sends what is queued now. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const state of ['delivered', 'read'] as const) {
      const ids = [...this.#queued[state]];
      this.#queued[state].clear();
      for (let i = 0; i < ids.length; i += MAX_IDS) {
        const chunk = ids.slice(i, i + MAX_IDS);
        if (!(await this.#send(state, chunk))) {
          for (const id of ids.slice(i)) this.#queued[state].add(id);
          return;
        }
      }
    }
  }

  /** Forgets everything queued (the person left). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queued.delivered.clear();
    this.#queued.read.clear();
  }
}
