import { error, redirect } from '@sveltejs/kit';
import { PASSWORD_CHANGE_PATH } from '$lib/account/password-change.ts';
import { fetchMe } from '$lib/auth/auth.client.ts';
import { loginPath } from '$lib/auth/login-notice.ts';
import { setStationZone } from '$lib/format/station-zone.ts';
import type { LayoutLoad } from './$types';

/**
 * Every signed-in page needs the person; without a session the hub answers 401 and we go to /login.
 * Someone holding a temporary password changes it first: the hub answers nothing else until then.
 * Times from here on read in the station's zone, which comes with the person.
 */
export const load: LayoutLoad = async ({ fetch }) => {
  const outcome = await fetchMe(fetch);
  if (outcome.ok) {
    if (outcome.body.me.passwordChangeRequired) redirect(307, PASSWORD_CHANGE_PATH);
    setStationZone(outcome.body.me.timeZone);
    return { me: outcome.body.me, session: outcome.body.session };
  }
  if (outcome.status === 401)
    redirect(307, loginPath(outcome.code === 'session_expired' ? 'session_expired' : undefined));
  error(503, 'load_me');
};
