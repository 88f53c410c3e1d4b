import { connection } from '../realtime/index.ts';
import { fetchPushConfig, removeSubscription, saveSubscription } from './push-api.ts';

/** How often a visible page renews its "I am visible" with the hub (the hub's lease is 75 s). */
const VISIBILITY_RENEW_MS = 30_000;

export type PushPermission = 'unsupported' | NotificationPermission;

const supported = () =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** The VAPID key as the bytes PushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * This device's Web Push: the browser's permission, its subscription kept with the hub, and the
 * page's visibility reported on the socket so the hub does not push what the open page shows.
 * The permission is asked only from `enable()`, a click, after the settings page says why.
 */
class PushDevice {
  #permission = $state<PushPermission>('unsupported');
  #subscribed = $state(false);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #timer: ReturnType<typeof setInterval> | undefined;
  #stops: (() => void)[] = [];

  get permission(): PushPermission {
    return this.#permission;
  }
  get subscribed(): boolean {
    return this.#subscribed;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Reads the permission and whether this browser holds a subscription; re-sends it (the session may be new). */
  async refresh(): Promise<void> {
    if (!supported()) return;
    this.#permission = Notification.permission;
    const reg = await navigator.serviceWorker.getRegistration();
    const sub = await reg?.pushManager.getSubscription();
    this.#subscribed = Boolean(sub) && this.#permission === 'granted';
    if (sub && this.#permission === 'granted') await saveSubscription(sub.toJSON());
  }

  /** Asks for permission (once; a refusal stays refused) and subscribes this device. */
  async enable(): Promise<void> {
    if (!supported()) return;
    this.#busy = true;
    this.#error = null;
    try {
      this.#permission = await Notification.requestPermission();
      if (this.#permission !== 'granted') return;
      const config = await fetchPushConfig();
      if (!config.ok) throw new Error(config.code);
      const reg = await navigator.serviceWorker.ready;
      const sub =
        (await reg.pushManager.getSubscription()) ??
        (await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(config.body.publicKey),
        }));
      const saved = await saveSubscription(sub.toJSON());
      if (!saved.ok) throw new Error(saved.code);
      this.#subscribed = true;
    } catch (err) {
      this.#error = err instanceof Error ? err.message : String(err);
    } finally {
      this.#busy = false;
    }
  }

  /** Unsubscribes this device here and at the hub. */
  async disable(): Promise<void> {
    if (!supported()) return;
    this.#busy = true;
    this.#error = null;
    try {
      const reg = await navigator.serviceWorker.getRegistration();
      const sub = await reg?.pushManager.getSubscription();
      if (sub) {
        await removeSubscription(sub.endpoint);
        await sub.unsubscribe();
      }
      this.#subscribed = false;
    } finally {
      this.#busy = false;
    }
  }

  #report = () => {
    if (connection.state !== 'connected') return;
    void connection.emit('push:visibility', { visible: document.visibilityState === 'visible' });
  };

  /** While the app is open: report visibility on every (re)connection, change, and every 30 s while visible. */
  start(): void {
    if (!supported()) return;
    void this.refresh().catch(() => {});
    this.#stops.push(connection.onConnected(this.#report));
    document.addEventListener('visibilitychange', this.#report);
    this.#stops.push(() => document.removeEventListener('visibilitychange', this.#report));
    this.#timer = setInterval(() => {
      if (document.visibilityState === 'visible') this.#report();
    }, VISIBILITY_RENEW_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const s of this.#stops.splice(0)) s();
  }
}

export const pushDevice = new PushDevice();
