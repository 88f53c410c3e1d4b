/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The service worker, SvelteKit's own (src/service-worker.ts, registered by the kit): it
 * precaches the built app and static files, keeps the last copy of each page and of the inbox
 * reads for offline use, and shows Web Push notifications — with 签收 on flash and urgent orders,
 * acknowledged by REST with the session cookie, without opening the app.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const ASSETS = `assets-${version}`;
/** Pages and API reads as last fetched: what the app shows offline. */
const PAGES = 'pages';
/** API reads worth keeping for offline: who I am, my orders. Nothing else of the API is cached. */
const CACHED_API = ['/api/auth/me', '/api/orders/mine'];

interface PushMessage {
  kind: string;
  title: string;
  body: string;
  url: string;
  tag: string;
  orderId?: string;
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(ASSETS)
      .then((c) => c.addAll([...build, ...files]))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('assets-') && key !== ASSETS) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

/**
 * Network first; on failure the last good copy. A page never fetched before falls back to any page
 * kept: every page is the same client-rendered shell, and most people land on their work, not on `/`.
 */
async function networkFirst(request: Request, isPage = false): Promise<Response> {
  const cache = await caches.open(PAGES);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(request, res.clone());
    return res;
  } catch (err) {
    const hit = (await cache.match(request)) ?? (isPage ? await anyPage(cache) : undefined);
    if (hit) return hit;
    throw err;
  }
}

/** Some page kept in the cache (API reads share it and are skipped). */
async function anyPage(cache: Cache): Promise<Response | undefined> {
  const page = (await cache.keys()).find((r) => !new URL(r.url).pathname.startsWith('/api/'));
  return page ? cache.match(page) : undefined;
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || url.pathname.startsWith('/socket.io/')) return;
  const asset = build.includes(url.pathname) || files.includes(url.pathname);
  if (asset) {
    event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    if (CACHED_API.includes(url.pathname)) event.respondWith(networkFirst(request));
    return;
  }
  if (request.mode === 'navigate') event.respondWith(networkFirst(request, true));
});

/** The page asks (at sign-out) to drop what was cached for the person: phones are shared between shifts. */
sw.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'forget') event.waitUntil(caches.delete(PAGES));
});

sw.addEventListener('push', (event) => {
  const message = (event.data?.json() ?? null) as PushMessage | null;
  if (!message) return;
  const ack = message.orderId !== undefined;
  event.waitUntil(
    sw.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { url: message.url, orderId: message.orderId ?? null },
      requireInteraction: message.kind === 'flash',
      ...(ack ? { actions: [{ action: 'acknowledge', title: '签收' }] } : {}),
    } as NotificationOptions),
  );
});

sw.addEventListener('notificationclick', (event) => {
  const n = event.notification;
  const data = n.data as { url: string; orderId: string | null };
  n.close();
  if (event.action === 'acknowledge' && data.orderId) {
    event.waitUntil(
      fetch(`/api/orders/${encodeURIComponent(data.orderId)}/acknowledge`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `sw-ack-${data.orderId}` }),
      }).then(
        (res) => (res.ok ? undefined : openPage(data.url)),
        () => openPage(data.url),
      ),
    );
    return;
  }
  event.waitUntil(openPage(data.url));
});

/** Opens exactly that order, message or thread: in an open window of the app if there is one. */
async function openPage(url: string): Promise<void> {
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows[0];
  if (open) {
    await open.focus();
    await open.navigate(url);
    return;
  }
  await sw.clients.openWindow(url);
}
