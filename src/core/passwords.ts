// What a new password must be: long enough to resist guessing, and not one that attackers try
// first. The list of common passwords is the one zxcvbn-ts ships (@zxcvbn-ts/language-common,
// MIT, see NOTICE): about 49,000 passwords from leaked password sets.
import { dictionary } from '@zxcvbn-ts/language-common';
import { ProblemError } from './errors.js';

export const MIN_PASSWORD_LENGTH = 12;
export const WEAK_PASSWORD_RULE = 'password.weak';

let common: Set<string> | undefined;
const commonPasswords = () => (common ??= new Set(dictionary['passwords-common']));

/** Why `password` is weak, or undefined when it is not. */
export function passwordWeakness(password: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  // "Password2024!" is "password" to a guesser: digits and punctuation around a common word add little.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (commonPasswords().has(lower) || (core.length > 0 && commonPasswords().has(core))) return 'password is in a list of commonly used passwords';
  if (/^(.{1,4}?)\1+$/su.test(password)) return 'password repeats a few characters';
  return undefined;
}

/** Refuses a weak password with a problem naming the field (`pointer`) and rule `password.weak`. */
export function requireStrongPassword(password: string, pointer = '/body/password'): void {
  const why = passwordWeakness(password);
  if (!why) return;
  throw new ProblemError('validation', `${pointer}: ${why}`, [{ pointer, rule: WEAK_PASSWORD_RULE, detail: why }]);
}
