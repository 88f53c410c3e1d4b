import { redirect } from '@sveltejs/kit';
import { canReceive } from '$lib/auth/roles.ts';
import type { PageLoad } from './$types';

/** 我的指令 is for people who receive orders; anyone else goes home. */
export const load: PageLoad = async ({ parent }) => {
  const { me } = await parent();
  if (!canReceive(me.role)) redirect(307, '/');
};
