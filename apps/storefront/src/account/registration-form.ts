import { registerBodySchema } from '@shop/contracts';
import { lengthLimitOf } from '../lib/schema-issues';
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
export function validateRegistration(input: RegistrationForm): FieldErrors {
  const errors: FieldErrors = {};
  const name = registerBodySchema.shape.name.safeParse(input.name);
  if (!input.name.trim()) errors.name = 'Enter your name.';
  else if (!name.success) {
    const limit = lengthLimitOf(name.error.issues);
    errors.name = limit === undefined ? 'Remove the special characters.' : `Use at most ${limit} characters.`;
  }
  const email = input.email.trim();
  if (!email) errors.email = 'Enter your email address.';
  else if (!registerBodySchema.shape.email.safeParse(email).success) errors.email = 'Enter an email address like name@example.com.';
  return { ...errors, ...newPasswordErrors({ password: input.password, confirmPassword: input.confirmPassword, email }) };
}
