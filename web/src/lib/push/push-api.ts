import type { PushSettingsPayload, PushSettingsView } from '@fengqiao/hub/protocol';
import { requestJson, type ApiOutcome } from '../api/request.ts';

/** GET /api/push/config: the hub's VAPID public key. */
export const fetchPushConfig = (): Promise<ApiOutcome<{ ok: true; publicKey: string }>> =>
  requestJson('/api/push/config');

/** POST /api/push/subscriptions: this device's subscription, for this session. */
export const saveSubscription = (sub: PushSubscriptionJSON): Promise<ApiOutcome<{ ok: true; id: string }>> =>
  requestJson('/api/push/subscriptions', { method: 'POST', body: sub });

/** DELETE /api/push/subscriptions */
export const removeSubscription = (endpoint: string): Promise<ApiOutcome<{ ok: true; removed: boolean }>> =>
  requestJson('/api/push/subscriptions', { method: 'DELETE', body: { endpoint } });

export const fetchPushSettings = (): Promise<ApiOutcome<{ ok: true; settings: PushSettingsView; devices: number }>> =>
  requestJson('/api/push/settings');

export const savePushSettings = (
  body: PushSettingsPayload,
): Promise<ApiOutcome<{ ok: true; settings: PushSettingsView }>> =>
  requestJson('/api/push/settings', { method: 'PUT', body });
