import { currencyMinorDigits, type Money, type PriceListEntry } from '@shop/contracts';

/**
 * The rate table the catalog converts base prices with: for each currency, how many units of it make one unit of a
 * common reference (any one currency at "1"). Rates are decimal strings, never floats, so a conversion is exact
 * integer arithmetic until the one rounding into the target currency's minor units.
 */
export type ConversionRates = Readonly<Record<string, string>>;

/** What a product's price list is built from: the currencies it must cover (the markets') and the rate table. */
export interface PriceListPolicy {
  currencies: readonly string[];
  rates: ConversionRates;
}

/**
 * A policy's identity: the same currencies and rates, in whatever order they were configured, give the same
 * fingerprint, so a start can tell whether the stored derived prices were made under today's policy.
 */
export function policyFingerprint(policy: PriceListPolicy): string {
  const currencies = [...new Set(policy.currencies)].sort();
  const rates = Object.entries(policy.rates).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ currencies, rates });
}

/** No conversion: every product is priced in its own currency only (until rates are configured). */
export const noConversion: PriceListPolicy = { currencies: [], rates: {} };

interface Decimal {
  digits: bigint;
  scale: number;
}

function decimalOf(rate: string): Decimal {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) throw new Error(`Not a decimal rate: ${rate}`);
  const fraction = match[2] ?? '';
  return { digits: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

const ten = (power: number): bigint => 10n ** BigInt(power);

/**
 * `price` in `currency` by the rate table, rounded half up to the target's ISO 4217 minor units (JPY has none,
 * KWD three), or undefined when either currency has no rate.
 */
export function convertPrice(price: Money, currency: string, rates: ConversionRates): Money | undefined {
  if (price.currency === currency) return price;
  const from = rates[price.currency];
  const to = rates[currency];
  if (from === undefined || to === undefined) return undefined;
  const source = decimalOf(from);
  const target = decimalOf(to);
  if (source.digits === 0n) return undefined;
  // amount_minor / 10^dFrom / rateFrom * rateTo * 10^dTo, with each rate as digits / 10^scale.
  const numerator = BigInt(price.amount) * target.digits * ten(currencyMinorDigits(currency)) * ten(source.scale);
  const denominator = source.digits * ten(currencyMinorDigits(price.currency)) * ten(target.scale);
  const amount = (numerator * 2n + denominator) / (denominator * 2n);
  return { amount: Number(amount), currency };
}

/**
 * A product's price list: its base price and the explicit prices as given, then every currency of the policy that
 * neither covers, derived from the base price (a currency without a rate is left out: the product keeps its own price there).
 */
export function priceListOf(base: Money, explicit: readonly Money[], policy: PriceListPolicy): PriceListEntry[] {
  const entries = new Map<string, PriceListEntry>();
  entries.set(base.currency, { ...base, derived: false });
  for (const price of explicit) if (!entries.has(price.currency)) entries.set(price.currency, { ...price, derived: false });
  for (const currency of policy.currencies) {
    if (entries.has(currency)) continue;
    const converted = convertPrice(base, currency, policy.rates);
    if (converted) entries.set(currency, { ...converted, derived: true });
  }
  return [...entries.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
