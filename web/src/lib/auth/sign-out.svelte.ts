import { goto } from '$app/navigation';
import { groupChat } from '../groups/group-chat.svelte.ts';
import { orderInbox } from '../orders/order-inbox.svelte.ts';
import { connection } from '../realtime/index.ts';
import { logout } from './auth.client.ts';
import { loginPath } from './login-notice.ts';

/**
 * Signing out, from wherever the button sits (the desk's header, the phone's 我的 page): the
 * socket closed first, the session ended on the hub, the person's orders and chats removed from
 * this shared device; if the hub could not end it, the state says so and the socket comes back.
 */
class SignOut {
  #busy = $state(false);
  #failed = $state(false);

  /** True while the request is in flight. */
  get busy(): boolean {
    return this.#busy;
  }
  /** True when the hub did not end the session. */
  get failed(): boolean {
    return this.#failed;
  }

  async run(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#failed = false;
    // Close the socket first, so the hub's `session:revoked` for this very logout is not mistaken
    // for a sign-out elsewhere.
    connection.disconnect('logout');
    const outcome = await logout();
    if (outcome.ok || outcome.status === 401) {
      // Phones are shared between shifts: the orders and chats leave the device with the person.
      orderInbox.forget();
      groupChat.forget();
      navigator.serviceWorker?.controller?.postMessage({ type: 'forget' });
      await goto(loginPath('signed_out'), { replaceState: true, invalidateAll: true });
      this.#busy = false;
      return;
    }
    // The session is still alive on the hub (cookie is HttpOnly; only the hub can end it): say so.
    this.#busy = false;
    this.#failed = true;
    connection.connect();
  }
}

/** The app's one sign-out. */
export const signOut = new SignOut();
