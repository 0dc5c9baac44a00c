import { PasswordLimits, registerBodySchema } from '@shop/contracts';
import { lengthLimitOf } from '../lib/schema-issues';
import type { FieldErrors } from '../lib/validation';

/** The registration form as typed. */
export interface RegistrationForm {
  name: string;
  email: string;
  password: string;
  confirmPassword: string;
}

// Auth's password policy is the service's: the form checks what a shopper can fix before sending (the contract's
// length limits in characters, not the email); auth checks the rest (common passwords).

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
  const passwordCharacters = [...input.password].length;
  if (passwordCharacters < PasswordLimits.minLength) errors.password = `Use at least ${PasswordLimits.minLength} characters.`;
  else if (passwordCharacters > PasswordLimits.maxLength) errors.password = `Use at most ${PasswordLimits.maxLength} characters.`;
  else if (email && input.password.toLowerCase() === email.toLowerCase()) errors.password = 'Do not use your email address as the password.';
  if (!errors.password && input.confirmPassword !== input.password) errors.confirmPassword = 'The passwords do not match.';
  return errors;
}
