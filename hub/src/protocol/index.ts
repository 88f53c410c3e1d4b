/** The wire contract shared by hub, web and bots. Imports nothing of the hub. */
export * from './error-codes.ts';
export * from './roles.ts';
export * from './schemas.ts';
export * from './api.ts';
export * from './events.ts';
export * from './orders.ts';
export * from './incidents.ts';
export * from './groups.ts';
export * from './matters.ts';
export * from './registration.ts';
export * from './hotline.ts';
export * from './reports.ts';
export * from './time-window.ts';
export * from './push.ts';
export * from './push.schema.ts';
