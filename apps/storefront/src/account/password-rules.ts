import { PasswordLimits } from '@shop/contracts';
import type { FieldErrors } from '../lib/validation';

// Auth's password policy is the service's: the forms check what a shopper can fix before sending (the contract's
// length limits in characters, not the e-mail address); auth checks the rest (common passwords).

/** A new password as typed twice, and the account's e-mail address when the form knows it. */
export interface NewPasswordInput {
  password: string;
  confirmPassword: string;
  email?: string;
}

/** The hint under a new-password field: the same limits auth enforces. */
export const newPasswordHint = `At least ${PasswordLimits.minLength} characters; a short sentence works well.`;

/** Checks a new password (sign-up, reset): its length in characters, not the e-mail address, typed the same twice. */
export function newPasswordErrors(input: NewPasswordInput): FieldErrors {
  const errors: FieldErrors = {};
  const passwordCharacters = [...input.password].length;
  const email = input.email?.trim();
  if (passwordCharacters < PasswordLimits.minLength) errors.password = `Use at least ${PasswordLimits.minLength} characters.`;
  else if (passwordCharacters > PasswordLimits.maxLength) errors.password = `Use at most ${PasswordLimits.maxLength} characters.`;
  else if (email && input.password.toLowerCase() === email.toLowerCase()) errors.password = 'Do not use your email address as the password.';
  if (!errors.password && input.confirmPassword !== input.password) errors.confirmPassword = 'The passwords do not match.';
  return errors;
}
