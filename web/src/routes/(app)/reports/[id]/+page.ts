import { redirect } from '@sveltejs/kit';
import { canDispatch } from '$lib/auth/roles.ts';
import type { PageLoad } from './$types';

/** Briefings and reports are for the command room, station heads and admins; anyone else goes home. */
export const load: PageLoad = async ({ parent }) => {
  const { me } = await parent();
  if (!canDispatch(me.role)) redirect(307, '/');
};
