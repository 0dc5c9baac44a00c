import { PasswordLimits } from '@shop/contracts';

export { PasswordLimits };

/** A few of the most used passwords that pass the length rule; a real deployment would check a breach corpus. */
const commonPasswords = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  '9876543210',
  'qwertyuiop',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou123',
  'letmein1234',
  'administrator',
  'qwerty123456',
  '1q2w3e4r5t',
  'abcdefghij',
]);

/**
 * The reasons `password` is refused for the account `email`; empty when it is acceptable. Length is counted in
 * characters (code points), not bytes.
 */
export function passwordPolicyViolations(password: string, email: string): string[] {
  const reasons: string[] = [];
  const length = [...password].length;
  if (length < PasswordLimits.minLength) reasons.push(`must be at least ${PasswordLimits.minLength} characters long`);
  if (length > PasswordLimits.maxLength) reasons.push(`must be at most ${PasswordLimits.maxLength} characters long`);
  const lowered = password.trim().toLowerCase();
  const normalisedEmail = email.trim().toLowerCase();
  if (lowered === normalisedEmail || (normalisedEmail.includes('@') && lowered === normalisedEmail.split('@')[0])) {
    reasons.push('must not be the email address');
  }
  if (length > 0 && new Set(password).size === 1) reasons.push('must not be a single repeated character');
  if (commonPasswords.has(lowered)) reasons.push('is too common');
  return reasons;
}
