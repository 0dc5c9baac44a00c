import { createTranslator, type Translate } from '../i18n/translator';

/** Messages by field name; empty when the input is fine. */
export type FieldErrors = Record<string, string>;

/** Sign-in form: both fields present (any wrong email is just a failed sign-in, as auth treats it). */
export function validateSignIn(input: { email: string; password: string }, t: Translate = createTranslator('en')): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.email.trim()) errors.email = t('errors.enterEmail');
  if (!input.password) errors.password = t('errors.enterPassword');
  return errors;
}
