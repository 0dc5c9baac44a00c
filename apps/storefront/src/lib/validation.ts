import type { ShippingAddress } from '../api/types';

/** Messages by field name; empty when the input is fine. */
export type FieldErrors = Record<string, string>;

/** Countries the checkout ships to (ISO 3166-1 alpha-2), shown by name in the shopper's language. */
export const shippingCountries = ['AT', 'AU', 'BE', 'BR', 'CA', 'CH', 'CZ', 'DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'IE', 'IN', 'IT', 'JP', 'MX', 'NL', 'NO', 'NZ', 'PL', 'PT', 'SE', 'SG', 'US', 'ZA'];

// The same rules as the order API, so a shopper hears about a mistake before sending anything.
const postalCodePattern = /^[A-Za-z0-9][A-Za-z0-9 -]{1,10}[A-Za-z0-9]$/;
const phonePattern = /^\+?[0-9 ()-]{5,20}$/;
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;

function requiredText(value: string | undefined, label: string, max: number): string | undefined {
  const text = value?.trim() ?? '';
  if (!text) return `Enter ${label}.`;
  if (text.length > max) return `Use at most ${max} characters.`;
  if (controlCharacters.test(text)) return 'Remove the special characters.';
  return undefined;
}

/** Checks a shipping address as typed; returns the messages to show next to each field. */
export function validateShippingAddress(address: Partial<ShippingAddress>): FieldErrors {
  const errors: FieldErrors = {};
  const set = (field: keyof ShippingAddress, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  set('name', requiredText(address.name, 'the recipient’s name', 200));
  set('line1', requiredText(address.line1, 'the street and house number', 200));
  if (address.line2?.trim()) set('line2', address.line2.trim().length > 200 ? 'Use at most 200 characters.' : undefined);
  set('city', requiredText(address.city, 'the city', 100));
  const postalCode = address.postalCode?.trim() ?? '';
  set('postalCode', !postalCode ? 'Enter the postal code.' : postalCodePattern.test(postalCode) ? undefined : 'Use 3–12 letters, digits, spaces or dashes.');
  set('country', address.country && shippingCountries.includes(address.country) ? undefined : 'Choose a country.');
  const phone = address.phone?.trim() ?? '';
  if (phone) set('phone', phonePattern.test(phone) ? undefined : 'Use digits, spaces, brackets, dashes and an optional leading +.');
  return errors;
}

/** The address as the API takes it: trimmed, optional fields left out when empty. */
export function normalizeShippingAddress(address: ShippingAddress): ShippingAddress {
  const trimmed: ShippingAddress = {
    name: address.name.trim(),
    line1: address.line1.trim(),
    city: address.city.trim(),
    postalCode: address.postalCode.trim().toUpperCase(),
    country: address.country,
  };
  if (address.line2?.trim()) trimmed.line2 = address.line2.trim();
  if (address.phone?.trim()) trimmed.phone = address.phone.trim();
  return trimmed;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Registration form: the password rules shoppers can check before sending (auth checks the rest). */
export function validateRegistration(input: { name: string; email: string; password: string; confirmPassword: string }): FieldErrors {
  const errors: FieldErrors = {};
  const name = input.name.trim();
  if (!name) errors.name = 'Enter your name.';
  else if (name.length > 100) errors.name = 'Use at most 100 characters.';
  const email = input.email.trim();
  if (!email) errors.email = 'Enter your email address.';
  else if (!emailPattern.test(email) || email.length > 254) errors.email = 'Enter an email address like name@example.com.';
  const passwordLength = [...input.password].length;
  if (passwordLength < 10) errors.password = 'Use at least 10 characters.';
  else if (passwordLength > 128) errors.password = 'Use at most 128 characters.';
  else if (email && input.password.toLowerCase() === email.toLowerCase()) errors.password = 'Do not use your email address as the password.';
  if (!errors.password && input.confirmPassword !== input.password) errors.confirmPassword = 'The passwords do not match.';
  return errors;
}

/** Sign-in form: both fields present. */
export function validateSignIn(input: { email: string; password: string }): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.email.trim()) errors.email = 'Enter your email address.';
  if (!input.password) errors.password = 'Enter your password.';
  return errors;
}
