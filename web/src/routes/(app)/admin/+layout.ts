import { error } from '@sveltejs/kit';
import { canAdminister } from '$lib/auth/roles.ts';
import type { LayoutLoad } from './$types';

/** Administration is for admins and station heads; the hub still decides every request. */
export const load: LayoutLoad = async ({ parent }) => {
  const { me } = await parent();
  if (!canAdminister(me.role)) error(403, 'forbidden');
  return {};
};
