import { redirect } from '@sveltejs/kit';
import { homePath } from '$lib/account/home-path.ts';
import type { PageLoad } from './$types';

/** `/` is the station head's overview; everyone else goes straight to where their work is. */
export const load: PageLoad = async ({ parent }) => {
  const { me } = await parent();
  const home = homePath(me.role);
  if (home !== '/') redirect(307, home);
  return {};
};
