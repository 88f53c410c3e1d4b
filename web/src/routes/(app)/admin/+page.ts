import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

/** /admin opens on the unit tree, the first tab. */
export const load: PageLoad = () => redirect(307, '/admin/units');
