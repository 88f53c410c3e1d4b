/**
 * The whole wire contract with its zod schemas (`@fengqiao/hub/protocol/schemas`): everything in
 * `index.ts` plus the schema of every payload, from the `<topic>.schema.ts` files. The hub
 * validates with these, and bots where they check what they send; the web never imports this.
 */
export * from './index.ts';
export * from './auth.schema.ts';
export * from './system.schema.ts';
export * from './orders.schema.ts';
export * from './incidents.schema.ts';
export * from './groups.schema.ts';
export * from './matters.schema.ts';
export * from './registration.schema.ts';
export * from './hotline.schema.ts';
export * from './reports.schema.ts';
export * from './time-window.schema.ts';
export * from './push.schema.ts';
export * from './admin.schema.ts';
export * from './account.schema.ts';
