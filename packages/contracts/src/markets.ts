import { z } from 'zod';
import { currencyCodeSchema, moneySchema } from './money';

// Markets: where a shopper buys, in which currency, in which language by default, and whether shelf prices include
// tax. Markets are configuration (`MARKETS`, validated by `marketsSchema`), the same list in every service that
// prices or shows a price; a product has one price per market currency (its price list).

/** How a market is named on the wire (`?market=jp`, the `shop_market` cookie, a cart's market). */
export const marketIdSchema = z.string().regex(/^[a-z]{2,8}$/, { error: 'must be 2-8 lower-case letters, such as eu or jp' });
/** A market's id. */
export type MarketId = z.infer<typeof marketIdSchema>;

/** An ISO 3166-1 alpha-2 country code, upper case (what Front Door's geo match reports). */
export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, { error: 'must be an upper-case ISO 3166-1 alpha-2 country code such as DE' });

/** A BCP 47 language tag the storefront ships messages for (`en`, `de`, `ja`...), lower-case language plus an optional region. */
export const localeSchema = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, { error: 'must be a language tag such as en, de or ja-JP' });

/** One market of the shop. */
export const marketSchema = z
  .strictObject({
    id: marketIdSchema,
    name: z.string().min(1).max(100),
    currency: currencyCodeSchema,
    defaultLocale: localeSchema.meta({ description: 'The language a shopper of this market sees when the browser asks for none that ships' }),
    countries: z.array(countryCodeSchema).min(1).meta({ description: 'Countries the market ships to: the client country Front Door reports selects it' }),
    pricesIncludeTax: z.boolean().meta({ description: 'Whether shelf prices include VAT/GST (EU, UK, JP) or tax is added at checkout (US)' }),
  })
  .meta({ id: 'Market', description: 'A market: its currency, default language, the countries it ships to, and whether prices include tax' });
/** One market of the shop. */
export type Market = z.infer<typeof marketSchema>;

/** The markets of a deployment: ids unique, and no country in two markets (a country picks one market). */
export const marketsSchema = z
  .array(marketSchema)
  .min(1)
  .refine((markets) => new Set(markets.map((market) => market.id)).size === markets.length, { error: 'market ids must be unique' })
  .refine(
    (markets) => {
      const countries = markets.flatMap((market) => market.countries);
      return new Set(countries).size === countries.length;
    },
    { error: 'a country may belong to one market only' },
  );

/** The markets a deployment has unless `MARKETS` says otherwise. */
export const defaultMarkets: readonly Market[] = [
  {
    id: 'eu',
    name: 'Europe',
    currency: 'EUR',
    defaultLocale: 'en',
    countries: ['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PT', 'SI', 'SK'],
    pricesIncludeTax: true,
  },
  { id: 'us', name: 'United States', currency: 'USD', defaultLocale: 'en', countries: ['US'], pricesIncludeTax: false },
  { id: 'uk', name: 'United Kingdom', currency: 'GBP', defaultLocale: 'en', countries: ['GB'], pricesIncludeTax: true },
  { id: 'jp', name: 'Japan', currency: 'JPY', defaultLocale: 'ja', countries: ['JP'], pricesIncludeTax: true },
];

/** The market a deployment falls back to unless `DEFAULT_MARKET` says otherwise. */
export const DEFAULT_MARKET_ID: MarketId = 'eu';

/** Where a request names its market explicitly. */
export const MarketRequest = {
  /** `?market=jp` on any catalog or cart request. */
  query: 'market',
  /** The cookie the storefront sets when a shopper picks a market. */
  cookie: 'shop_market',
  /** Set by Front Door's rule set from the client's country (overwriting any value a client sent). */
  clientCountryHeader: 'x-client-country',
} as const;

/** How a request's market was chosen, in the order the choices are tried. */
export const marketSelections = ['query', 'cookie', 'country', 'language', 'default'] as const;
/** How a request's market was chosen. */
export type MarketSelection = (typeof marketSelections)[number];

/**
 * The number of minor-unit digits of a currency per ISO 4217 (JPY 0, EUR 2, BHD/KWD 3), from the runtime's ICU data,
 * never an assumed 2.
 */
export function currencyMinorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** A price of a product's price list: explicit (an admin or the supplier set it) or derived from the base price by the rate table. */
export const priceListEntrySchema = moneySchema
  .extend({ derived: z.boolean().meta({ description: 'true when converted from the base price by the configured rate table, false when set explicitly' }) })
  .meta({ id: 'CatalogPriceListEntry', description: 'The price of a product in one currency' });
/** A price of a product's price list. */
export type PriceListEntry = z.infer<typeof priceListEntrySchema>;

/** What `GET /api/catalog/markets` answers: the markets, and the one this request resolved to (and how). */
export const marketListSchema = z
  .object({
    items: z.array(marketSchema),
    defaultMarket: marketIdSchema,
    current: z.object({ market: marketIdSchema, selectedBy: z.enum(marketSelections) }),
  })
  .meta({ id: 'MarketList', description: "The shop's markets and the market this request resolved to" });
/** What `GET /api/catalog/markets` answers. */
export type MarketList = z.infer<typeof marketListSchema>;

/** What a request says about its market, in the order the choices are tried. */
export interface MarketHints {
  /** `?market=` */
  query?: string;
  /** The `shop_market` cookie. */
  cookie?: string;
  /** `X-Client-Country`, as Front Door sets it. */
  clientCountry?: string;
  /** The `Accept-Language` header. */
  acceptLanguage?: string;
}

/** The market of a request, or the explicit choice that names no market (a 400 problem for the caller). */
export type MarketResolution = { kind: 'resolved'; market: Market; selectedBy: MarketSelection } | { kind: 'unknown_market'; requested: string; selectedBy: 'query' | 'cookie' };

/**
 * The market of a request: an explicit choice (`?market=`, else the cookie), else the client's country, else the
 * first language of `Accept-Language` (by quality) whose region, or failing that whose language, a market serves, else
 * the default. An explicit choice that names no market is not silently replaced: the answer says so.
 */
export function resolveMarket(hints: MarketHints, markets: readonly Market[], defaultMarketId: MarketId): MarketResolution {
  const byId = (id: string) => markets.find((market) => market.id === id);
  for (const selectedBy of ['query', 'cookie'] as const) {
    const requested = hints[selectedBy]?.trim();
    if (!requested) continue;
    const market = byId(requested.toLowerCase());
    return market ? { kind: 'resolved', market, selectedBy } : { kind: 'unknown_market', requested, selectedBy };
  }
  const country = hints.clientCountry?.trim().toUpperCase();
  const byCountry = country ? markets.find((market) => market.countries.includes(country)) : undefined;
  if (byCountry) return { kind: 'resolved', market: byCountry, selectedBy: 'country' };
  const byLanguage = marketOfLanguages(hints.acceptLanguage ?? '', markets);
  if (byLanguage) return { kind: 'resolved', market: byLanguage, selectedBy: 'language' };
  const fallback = byId(defaultMarketId) ?? markets[0];
  return { kind: 'resolved', market: fallback, selectedBy: 'default' };
}

/** The languages of an `Accept-Language` header, best first (quality 0 means "not this one"). */
export function acceptedLanguages(header: string): string[] {
  return header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...parameters] = part.trim().split(';');
      const quality = parameters.map((parameter) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(parameter)).find(Boolean);
      return { tag: tag.trim(), quality: quality ? Number(quality[1]) : 1, index };
    })
    .filter((entry) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(entry.tag) && entry.quality > 0)
    .sort((left, right) => right.quality - left.quality || left.index - right.index)
    .map((entry) => entry.tag);
}

function marketOfLanguages(header: string, markets: readonly Market[]): Market | undefined {
  for (const tag of acceptedLanguages(header)) {
    const [language, region] = tag.split('-');
    // `de-AT` names a country; `ja` alone names the market whose default language it is.
    const byRegion = region && /^[A-Za-z]{2}$/.test(region) ? markets.find((market) => market.countries.includes(region.toUpperCase())) : undefined;
    if (byRegion) return byRegion;
    const byDefaultLanguage = markets.find((market) => market.defaultLocale.split('-')[0] === language.toLowerCase() && market.defaultLocale !== 'en');
    if (byDefaultLanguage) return byDefaultLanguage;
  }
  return undefined;
}
