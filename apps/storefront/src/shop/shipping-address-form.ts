import { shippingAddressSchema, type ShippingAddress } from '@shop/contracts';
import { lengthLimitOf, type SchemaIssue } from '../lib/schema-issues';
import type { FieldErrors } from '../lib/validation';

/** Countries the checkout ships to (ISO 3166-1 alpha-2), shown by name in the shopper's language. */
export const shippingCountries = ['AT', 'AU', 'BE', 'BR', 'CA', 'CH', 'CZ', 'DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'IE', 'IN', 'IT', 'JP', 'MX', 'NL', 'NO', 'NZ', 'PL', 'PT', 'SE', 'SG', 'US', 'ZA'];

type AddressField = keyof ShippingAddress;

/** What the shopper reads when the order API's schema refuses a field: blank, or not in the expected form. */
const refusals: Record<AddressField, { missing?: string; malformed?: string }> = {
  name: { missing: 'Enter the recipient’s name.' },
  line1: { missing: 'Enter the street and house number.' },
  line2: {},
  city: { missing: 'Enter the city.' },
  postalCode: { missing: 'Enter the postal code.', malformed: 'Use 3–12 letters, digits, spaces or dashes.' },
  country: { missing: 'Choose a country.', malformed: 'Choose a country.' },
  phone: { malformed: 'Use digits, spaces, brackets, dashes and an optional leading +.' },
};

// Beyond the order API's rules: the lines printed on a parcel label must not hold control characters.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const controlCharacters = /[\u0000-\u001f\u007f]/;
const labelLines = ['name', 'line1', 'city'] as const;

function messageOf(field: AddressField, value: string | undefined, issues: readonly SchemaIssue[]): string {
  const refusal = refusals[field];
  if (!value?.trim() && refusal.missing) return refusal.missing;
  const limit = lengthLimitOf(issues);
  if (limit !== undefined) return `Use at most ${limit} characters.`;
  return refusal.malformed ?? 'Check this field.';
}

/**
 * Checks a shipping address as typed with the order API's own schema, so a shopper hears about a mistake before
 * anything is sent; returns the messages to show next to each field.
 */
export function validateShippingAddress(address: Partial<ShippingAddress>): FieldErrors {
  const optional = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const candidate = {
    name: address.name ?? '',
    line1: address.line1 ?? '',
    line2: optional(address.line2),
    city: address.city ?? '',
    postalCode: address.postalCode ?? '',
    country: address.country ?? '',
    phone: optional(address.phone),
  };
  const issuesByField = new Map<AddressField, SchemaIssue[]>();
  for (const issue of shippingAddressSchema.safeParse(candidate).error?.issues ?? []) {
    const field = issue.path[0] as AddressField;
    issuesByField.set(field, [...(issuesByField.get(field) ?? []), issue]);
  }
  const errors: FieldErrors = {};
  for (const [field, issues] of issuesByField) errors[field] = messageOf(field, candidate[field], issues);
  for (const field of labelLines) if (!errors[field] && controlCharacters.test(candidate[field])) errors[field] = 'Remove the special characters.';
  if (!errors.country && !shippingCountries.includes(candidate.country)) errors.country = refusals.country.missing!;
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
