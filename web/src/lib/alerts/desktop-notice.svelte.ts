import { browser } from '$app/environment';

/** Whether the browser may show system notifications: as Notification.permission, or unsupported. */
export type NoticePermission = NotificationPermission | 'unsupported';

function currentPermission(): NoticePermission {
  return browser && 'Notification' in window ? Notification.permission : 'unsupported';
}

/**
 * System notifications (browser Notification API) for what must not be missed while the app is in
 * the background: flash orders and notices. Permission is asked only when the person presses the
 * button for it, never on load.
 */
class DesktopNotice {
  #permission = $state<NoticePermission>(currentPermission());

  /** The current permission. */
  get permission(): NoticePermission {
    return this.#permission;
  }

  /** Asks for permission; call from a click handler. */
  async request(): Promise<void> {
    if (this.#permission === 'unsupported') return;
    try {
      this.#permission = await Notification.requestPermission();
    } catch {
      this.#permission = currentPermission();
    }
  }

  /** Shows a notification if allowed; a click brings the app forward and calls `onclick`. */
  show(title: string, body: string, tag: string, onclick?: () => void): void {
    if (this.#permission !== 'granted') return;
    try {
      const n = new Notification(title, { body, tag, requireInteraction: true });
      n.onclick = () => {
        window.focus();
        n.close();
        onclick?.();
      };
    } catch {
      // Some mobile browsers only notify through a service worker; the in-app banner still shows.
    }
  }
}

/** The app's one notification helper. */
export const desktopNotice = new DesktopNotice();
