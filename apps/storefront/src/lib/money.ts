import type { Money } from '@shop/contracts';

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits = minorUnitDigits(currency);
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, formatter);
  }
  return formatter;
}

const digitsByCurrency = new Map<string, number>();

/**
 * Digits after the decimal point of a currency (2 for EUR, 0 for JPY, 3 for KWD), as Intl knows them: the same rule as
 * the contracts' `currencyMinorDigits`, kept here because a value import from the contracts would put zod on the first page.
 */
export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * Formats integer minor units for people in a locale: 129900 EUR → "€1,299.00" (en), "1.299,00 €" (de); 1299 JPY → "￥1,299" (ja). The division happens only here, for display;
 * amounts are never computed on as floats.
 */
export function formatMoney(money: Money, locale?: string): string {
  const digits = minorUnitDigits(money.currency);
  return formatterFor(money.currency, locale).format(money.amount / 10 ** digits);
}

/**
 * Reads what an admin or a shopper typed ("12.5", "12,50", "1299") into integer minor units of the currency, with the
 * currency's ISO 4217 digits (EUR 2, JPY 0, KWD 3), or undefined when it is not a non-negative amount with at most
 * those digits.
 */
export function parseMoneyInput(text: string, currency: string): number | undefined {
  const digits = minorUnitDigits(currency);
  const normalized = text.trim().replace(',', '.');
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(normalized)) return undefined;
  // Digits are joined as text ("19" + "99" → 1999, "1999" JPY → 1999, "1.5" KWD → 1500): no float ever holds the amount.
  const [whole, fraction = ''] = normalized.split('.');
  const amount = Number(`${whole}${fraction.padEnd(digits, '0')}`);
  return Number.isSafeInteger(amount) ? amount : undefined;
}

/** The inverse of parseMoneyInput, for prefilling a form: 1299 EUR → "12.99". */
export function moneyInputValue(money: Money): string {
  const digits = minorUnitDigits(money.currency);
  if (digits === 0) return String(money.amount);
  const text = String(money.amount).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
