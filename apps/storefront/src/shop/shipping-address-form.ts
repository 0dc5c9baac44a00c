import { shippingAddressSchema, type ShippingAddress } from '@shop/contracts';
import { lengthLimitOf, type SchemaIssue } from '../lib/schema-issues';
import type { FieldErrors } from '../lib/validation';
import type { MessageKey } from '../i18n/catalogues';
import { createTranslator, type Translate } from '../i18n/translator';

/** Countries the checkout ships to (ISO 3166-1 alpha-2), shown by name in the shopper's language. */
export const shippingCountries = ['AT', 'AU', 'BE', 'BR', 'CA', 'CH', 'CZ', 'DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'IE', 'IN', 'IT', 'JP', 'MX', 'NL', 'NO', 'NZ', 'PL', 'PT', 'SE', 'SG', 'US', 'ZA'];

type AddressField = keyof ShippingAddress;

/** What the shopper reads when the order API's schema refuses a field: blank, or not in the expected form. */
const refusals: Record<AddressField, { missing?: MessageKey; malformed?: MessageKey }> = {
  name: { missing: 'errors.recipientMissing' },
  line1: { missing: 'errors.streetMissing' },
  line2: {},
  city: { missing: 'errors.cityMissing' },
  postalCode: { missing: 'errors.postalCodeMissing', malformed: 'errors.postalCodeMalformed' },
  country: { missing: 'errors.countryMissing', malformed: 'errors.countryMissing' },
  phone: { malformed: 'errors.phoneMalformed' },
};

// Beyond the order API's rules: the lines printed on a parcel label must not hold control characters.
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const controlCharacters = /[\u0000-\u001f\u007f]/;
const labelLines = ['name', 'line1', 'city'] as const;

function messageOf(field: AddressField, value: string | undefined, issues: readonly SchemaIssue[], t: Translate): string {
  const refusal = refusals[field];
  if (!value?.trim() && refusal.missing) return t(refusal.missing);
  const limit = lengthLimitOf(issues);
  if (limit !== undefined) return t('errors.atMostCharacters', { limit });
  return t(refusal.malformed ?? 'errors.checkField');
}

/**
 * Checks a shipping address as typed with the order API's own schema, so a shopper hears about a mistake before
 * anything is sent; returns the messages to show next to each field.
 */
export function validateShippingAddress(address: Partial<ShippingAddress>, t: Translate = createTranslator('en')): FieldErrors {
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
  for (const [field, issues] of issuesByField) errors[field] = messageOf(field, candidate[field], issues, t);
  for (const field of labelLines) if (!errors[field] && controlCharacters.test(candidate[field])) errors[field] = t('errors.removeSpecialCharacters');
  if (!errors.country && !shippingCountries.includes(candidate.country)) errors.country = t('errors.countryMissing');
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
