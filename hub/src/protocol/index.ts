/**
 * The wire contract shared by hub, web and bots, without zod: constants, types, event names and
 * error codes (`@fengqiao/hub/protocol`). Phones load this; the zod schemas that validate the same
 * payloads are in `schemas.ts` (`@fengqiao/hub/protocol/schemas`). Imports nothing of the hub.
 */
export * from './error-codes.ts';
export * from './roles.ts';
export * from './ranks.ts';
export * from './auth.ts';
export * from './system.ts';
export * from './api.ts';
export * from './events.ts';
export * from './orders.ts';
export * from './incidents.ts';
export * from './groups.ts';
export * from './matters.ts';
export * from './registration.ts';
export * from './hotline.ts';
export * from './reports.ts';
export * from './report-digest.ts';
export * from './time-window.ts';
export * from './admin.ts';
export * from './account.ts';
export * from './push.ts';
