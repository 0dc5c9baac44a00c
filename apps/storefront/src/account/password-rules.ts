import { PasswordLimits } from '@shop/contracts';
import { createTranslator, type Translate } from '../i18n/translator';
import type { FieldErrors } from '../lib/validation';
import './account-messages';

// Auth's password policy is the service's: the forms check what a shopper can fix before sending (the contract's
// length limits in characters, not the e-mail address); auth checks the rest (common passwords).

/** A new password as typed twice, and the account's e-mail address when the form knows it. */
export interface NewPasswordInput {
  password: string;
  confirmPassword: string;
  email?: string;
}

/** The hint under a new-password field, in the active language: the same limits auth enforces. */
export function newPasswordHint(t: Translate = createTranslator('en')): string {
  return t('account.passwordHint', { min: PasswordLimits.minLength });
}

/** Checks a new password (sign-up, reset): its length in characters, not the e-mail address, typed the same twice. */
export function newPasswordErrors(input: NewPasswordInput, t: Translate = createTranslator('en')): FieldErrors {
  const errors: FieldErrors = {};
  const passwordCharacters = [...input.password].length;
  const email = input.email?.trim();
  if (passwordCharacters < PasswordLimits.minLength) errors.password = t('account.passwordTooShort', { min: PasswordLimits.minLength });
  else if (passwordCharacters > PasswordLimits.maxLength) errors.password = t('account.passwordTooLong', { max: PasswordLimits.maxLength });
  else if (email && input.password.toLowerCase() === email.toLowerCase()) errors.password = t('account.passwordIsEmail');
  if (!errors.password && input.confirmPassword !== input.password) errors.confirmPassword = t('account.passwordsDiffer');
  return errors;
}
