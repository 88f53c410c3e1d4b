import { createSubscriber } from 'svelte/reactivity';

/**
 * The current time for countdowns, ticking once a second while anything on screen reads it and
 * not at all otherwise (svelte.dev's `createSubscriber` pattern).
 */
class Clock {
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(update, 1000);
    return () => clearInterval(timer);
  });

  /** Milliseconds since the epoch; reactive, refreshed every second while read. */
  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

/** The app's one ticking clock. */
export const clock = new Clock();
