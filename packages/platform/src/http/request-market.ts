import type { Request } from 'express';
import { AppError } from '@shop/kernel';
import { acceptedLanguages, MarketRequest, resolveMarket, type Market, type MarketHints, type MarketId, type MarketResolution, type MarketSelection } from '@shop/contracts';

/** The markets of this deployment (MARKETS, DEFAULT_MARKET). */
export interface MarketSettings {
  markets: readonly Market[];
  defaultMarket: MarketId;
}

/**
 * The request headers an answer chosen by `resolveMarket` depends on unless `?market=` names it: a shared cache (Front
 * Door) must key such answers by them.
 */
export const MARKET_VARY = 'Cookie, X-Client-Country, Accept-Language';

/** What a request says about its market: the query, the `shop_market` cookie, Front Door's country header, the languages. */
export function marketHintsOf(req: Request): MarketHints {
  const query = req.query[MarketRequest.query];
  return {
    query: typeof query === 'string' ? query : undefined,
    cookie: cookieValue(req.headers.cookie, MarketRequest.cookie),
    clientCountry: req.get(MarketRequest.clientCountryHeader) ?? undefined,
    acceptLanguage: req.get('accept-language') ?? undefined,
  };
}

/** How the request's market resolves (query, cookie, country, languages, default), unknown explicit choices included. */
export function resolveRequestMarket(req: Request, settings: MarketSettings): MarketResolution {
  const query = req.query[MarketRequest.query];
  if (query !== undefined && typeof query !== 'string') throw new AppError('invalid', 'Invalid query: market must be given once', { fields: [{ field: 'query.market', message: 'must be given once' }] });
  return resolveMarket(marketHintsOf(req), settings.markets, settings.defaultMarket);
}

/** The market of this request; an explicit unknown market (query or cookie) is a 400 naming the field. */
export function requestMarket(req: Request, settings: MarketSettings): Market {
  return requestMarketChoice(req, settings).market;
}

/**
 * The market of this request and what chose it; an explicit unknown market (query or cookie) is a 400 naming the
 * field. Only a market named in the URL (`?market=`) makes an answer the same for everyone who asks for that URL.
 */
export function requestMarketChoice(req: Request, settings: MarketSettings): { market: Market; selectedBy: MarketSelection } {
  const resolution = resolveRequestMarket(req, settings);
  if (resolution.kind === 'unknown_market') throw unknownMarket(resolution.requested, resolution.selectedBy === 'query' ? 'query.market' : `cookies.${MarketRequest.cookie}`, settings);
  return { market: resolution.market, selectedBy: resolution.selectedBy };
}

/** The 400 problem for a market id no market has, naming the field that gave it. */
export function unknownMarket(requested: string, field: string, settings: MarketSettings): AppError {
  const ids = settings.markets.map((market) => market.id).join(', ');
  return new AppError('invalid', `There is no market ${JSON.stringify(requested)}; markets: ${ids}`, { fields: [{ field, message: `must be one of ${ids}` }] });
}

/**
 * The language the shopper prefers, as an ISO 639 code (`de` for `de-AT`): the best of `Accept-Language` (the
 * storefront sends its UI language there), or undefined when it names none.
 */
export function preferredLanguage(req: Request): string | undefined {
  const best = acceptedLanguages(req.get('accept-language') ?? '')[0]?.split('-')[0].toLowerCase();
  return best !== undefined && /^[a-z]{2,3}$/.test(best) ? best : undefined;
}

/** The value of one cookie of a Cookie header (the storefront's own cookie: no parser library needed for one name). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return part.slice(separator + 1).trim();
      }
    }
  }
  return undefined;
}
