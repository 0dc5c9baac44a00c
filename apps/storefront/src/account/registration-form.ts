import { registerBodySchema } from '@shop/contracts';
import { lengthLimitOf } from '../lib/schema-issues';
import { createTranslator, type Translate } from '../i18n/translator';
import type { FieldErrors } from '../lib/validation';
import { newPasswordErrors } from './password-rules';

/** The registration form as typed. */
export interface RegistrationForm {
  name: string;
  email: string;
  password: string;
  confirmPassword: string;
}

/** Checks the registration form: name and email with auth's own request schema, then the password rules shoppers can check. */
export function validateRegistration(input: RegistrationForm, t: Translate = createTranslator('en')): FieldErrors {
  const errors: FieldErrors = {};
  const name = registerBodySchema.shape.name.safeParse(input.name);
  if (!input.name.trim()) errors.name = t('errors.enterName');
  else if (!name.success) {
    const limit = lengthLimitOf(name.error.issues);
    errors.name = limit === undefined ? t('errors.removeSpecialCharacters') : t('errors.atMostCharacters', { limit });
  }
  const email = input.email.trim();
  if (!email) errors.email = t('errors.enterEmail');
  else if (!registerBodySchema.shape.email.safeParse(email).success) errors.email = t('errors.emailFormat');
  return { ...errors, ...newPasswordErrors({ password: input.password, confirmPassword: input.confirmPassword, email }, t) };
}
