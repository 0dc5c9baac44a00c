import { z } from 'zod';

/**
 * The largest price the catalog accepts, in minor units (99,999,999.99 in a two-decimal currency). Far below
 * Number.MAX_SAFE_INTEGER, so sums of a few thousand line items stay exact integers.
 */
export const MAX_PRICE_MINOR_UNITS = 9_999_999_999;

/** ISO 4217 codes that the runtime's ICU data knows (Node 20 ships full ICU); `XXX`-style test codes are not in it. */
const knownCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** True for an upper-case ISO 4217 alphabetic code in active use. */
export function isIsoCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

/** An integer amount of minor units: fractional, negative, unsafe or absurdly large amounts are refused. */
export const minorUnitsSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .int({ error: 'must be an integer number of minor units (no fractions)' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_PRICE_MINOR_UNITS, { error: `must be at most ${MAX_PRICE_MINOR_UNITS}` });

/** An ISO 4217 currency code, upper case. */
export const currencyCodeSchema = z
  .string({ error: 'must be an ISO 4217 currency code' })
  .refine(isIsoCurrencyCode, { error: 'must be an upper-case ISO 4217 currency code such as EUR' });

/** Money on the wire: `{ amount: <integer minor units>, currency: "<ISO 4217>" }`, nothing else. Never a float. */
export const moneySchema = z
  .strictObject({ amount: minorUnitsSchema, currency: currencyCodeSchema })
  .meta({ id: 'Money', description: 'An amount in integer minor units of an ISO 4217 currency' });

/** Money in integer minor units of an ISO 4217 currency. */
export type Money = z.infer<typeof moneySchema>;
