/** Messages by field name; empty when the input is fine. */
export type FieldErrors = Record<string, string>;

/** Sign-in form: both fields present (any wrong email is just a failed sign-in, as auth treats it). */
export function validateSignIn(input: { email: string; password: string }): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.email.trim()) errors.email = 'Enter your email address.';
  if (!input.password) errors.password = 'Enter your password.';
  return errors;
}
