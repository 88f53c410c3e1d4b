import { error, redirect } from '@sveltejs/kit';
import { fetchMe } from '$lib/auth/auth.client.ts';
import { loginPath } from '$lib/auth/login-notice.ts';
import type { LayoutLoad } from './$types';

/** Every signed-in page needs the person; without a session the hub answers 401 and we go to /login. */
export const load: LayoutLoad = async ({ fetch }) => {
  const outcome = await fetchMe(fetch);
  if (outcome.ok) return { me: outcome.body.me, session: outcome.body.session };
  if (outcome.status === 401)
    redirect(307, loginPath(outcome.code === 'session_expired' ? 'session_expired' : undefined));
  error(503, 'load_me');
};
