/**
 * Where someone signed in with a temporary password changes it (`me.passwordChangeRequired`):
 * outside the signed-in shell, because until it is done the hub answers nothing else.
 */
export const PASSWORD_CHANGE_PATH = '/password';
