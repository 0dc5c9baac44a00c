// Supplier prices (decimal numbers or strings) in the integer minor units the catalog stores.

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
