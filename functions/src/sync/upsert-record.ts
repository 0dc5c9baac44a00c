import { z } from 'zod';

/**
 * The record catalog's bulk upsert accepts (apps/catalog/src/domain/catalog-sync.ts `syncRecordSchema`), repeated
 * here so the Functions app does not depend on the catalog app: validating before sending turns catalog-side
 * rejections into sync-side ones with the same reasons.
 */
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const noControl = (value: string) => !controlCharacters.test(value);
const text = (max: number) => z.string().trim().max(max).refine(noControl, { error: 'must not contain control characters' });

const imageUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => noControl(value) && !/\s/.test(value), { error: 'must not contain spaces or control characters' })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'https:' || url.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { error: 'must be an absolute http(s) URL' },
  );

/** Catalog's SKU rule: letters, digits, ".", "_", "-"; never UUID-shaped. */
const skuSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  .refine((sku) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sku), { error: 'must not look like a product id (UUID)' });

/** One product of a catalog-sync batch, keyed by `(source, externalId)`. */
export const upsertRecordSchema = z.strictObject({
  externalId: z.string().trim().min(1).max(200),
  sku: skuSchema,
  name: text(200).min(1, { error: 'must not be empty' }),
  description: text(10_000),
  brand: text(100).min(1).nullable(),
  categoryPath: z
    .array(text(100).min(1).refine((name) => !name.includes('>'), { error: 'must not contain ">"' }))
    .min(1)
    .max(5)
    .optional(),
  imageUrls: z.array(imageUrlSchema).max(20),
  attributes: z
    .record(z.string().min(1).max(64), z.json())
    .refine((value) => !JSON.stringify(value).includes('\\u0000'), { error: 'must not contain NUL characters' })
    .refine((value) => JSON.stringify(value).length <= 16_384, { error: 'must serialize to at most 16384 characters' }),
  price: z.strictObject({
    amount: z.number().int().min(0).max(9_999_999_999),
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
  status: z.enum(['active', 'draft', 'archived']),
  onHand: z.number().int().min(0).max(1_000_000_000).optional(),
});
/** A validated, normalised upsert record (what goes into `products` of a batch). */
export type UpsertRecord = z.infer<typeof upsertRecordSchema>;

/** A record the sync could not turn into an upsert record, and why. */
export interface RejectedRecord {
  externalId: string;
  reason: string;
}

/** A short reason from a zod error (first few issues). */
export function reasonOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
}

/** Digits after the decimal point of a currency's minor unit (2 for EUR, 0 for JPY, 3 for BHD). */
export function minorUnitDigitsOf(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new Error(`unknown currency ${currency}`);
  }
}

const decimalPattern = /^(\d{1,13})(?:\.(\d+))?$/;

/**
 * A decimal price ("19.99", 19.99, "5") in integer minor units of `currency`, by string arithmetic so no binary
 * float error creeps in (19.99 * 100 is 1998.9999999999998). Refuses negatives, NaN, exponents and more decimals
 * than the currency's minor unit ("12.345" in EUR). Throws an Error whose message is the rejection reason.
 */
export function toMinorUnits(price: unknown, currency: string): number {
  let textValue: string;
  if (typeof price === 'number') {
    if (!Number.isFinite(price)) throw new Error('price must be a finite number');
    // Number→string gives the shortest round-tripping decimal (19.99 → "19.99"); tiny/huge ones use exponents and are refused below.
    textValue = String(price);
  } else if (typeof price === 'string') {
    textValue = price.trim();
  } else {
    throw new Error(price === undefined || price === null ? 'price is missing' : 'price must be a decimal number or string');
  }
  if (textValue.startsWith('-')) throw new Error(`price must not be negative (got ${textValue})`);
  const match = decimalPattern.exec(textValue);
  if (!match) throw new Error(`price is not a plain decimal (got ${JSON.stringify(textValue).slice(0, 40)})`);
  const digits = minorUnitDigitsOf(currency);
  const [, whole, fraction = ''] = match;
  const significantFraction = fraction.replace(/0+$/, '');
  if (significantFraction.length > digits) throw new Error(`price has more than ${digits} decimals for ${currency} (got ${textValue})`);
  const minor = Number(whole) * 10 ** digits + Number(significantFraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new Error('price is too large');
  return minor;
}
