import type { MeView } from '@fengqiao/hub/protocol';

/** Whether the hub holds the person to a password change before anything else (a temporary password). */
export function mustChangePassword(me: MeView): boolean {
  return 'passwordChangeRequired' in me && me.passwordChangeRequired === true;
}

/** The page of that change, outside the signed-in shell: until it is done the hub answers nothing else. */
export const PASSWORD_CHANGE_PATH = '/password';
