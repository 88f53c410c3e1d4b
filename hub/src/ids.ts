import { monotonicFactory } from 'ulid';

/** Sortable ids (ULID): creation order survives in the id itself. */
export const newId: () => string = monotonicFactory();
