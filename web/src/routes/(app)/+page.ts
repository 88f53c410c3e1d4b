import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

/** A resident's home is their letters to the station head; staff keep the home page. */
export const load: PageLoad = async ({ parent }) => {
  const { me } = await parent();
  if (me.role === 'resident') redirect(307, '/hotline');
  return {};
};
