/**
 * The hub's minimum password length (the protocol's `MIN_PASSWORD_LENGTH`, copied: a value import
 * would ship zod to phones). The hub also refuses common passwords, which only it knows.
 */
export const MIN_PASSWORD_LENGTH = 10;

/** What is wrong with a new password before it is sent; the hub checks it again. */
export type PasswordProblem = 'too_short' | 'same_as_login' | 'mismatch';

/** The problems of a new password typed twice, in the order a person fixes them. */
export function passwordProblems(password: string, repeat: string, login: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) problems.push('too_short');
  if (login !== '' && password.trim().toLowerCase() === login.trim().toLowerCase()) problems.push('same_as_login');
  if (password !== repeat) problems.push('mismatch');
  return problems;
}
