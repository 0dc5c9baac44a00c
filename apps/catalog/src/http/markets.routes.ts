import { Router, type Request } from 'express';
import { AppError } from '@shop/kernel';
import { MarketRequest, resolveMarket, type Market, type MarketHints, type MarketId, type MarketList } from '@shop/contracts';

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

/** The market of this request (query, cookie, country, languages, default); an explicit unknown market is a 400 naming the field. */
export function requestMarket(req: Request, settings: MarketSettings): Market {
  const query = req.query[MarketRequest.query];
  if (query !== undefined && typeof query !== 'string') throw new AppError('invalid', 'Invalid query: market must be given once', { fields: [{ field: 'query.market', message: 'must be given once' }] });
  const resolution = resolveMarket(marketHintsOf(req), settings.markets, settings.defaultMarket);
  if (resolution.kind === 'unknown_market') {
    const field = resolution.selectedBy === 'query' ? 'query.market' : `cookies.${MarketRequest.cookie}`;
    throw new AppError('invalid', `There is no market ${JSON.stringify(resolution.requested)}; markets: ${settings.markets.map((market) => market.id).join(', ')}`, {
      fields: [{ field, message: `must be one of ${settings.markets.map((market) => market.id).join(', ')}` }],
    });
  }
  return resolution.market;
}

/** `GET /api/catalog/markets`: the shop's markets and the one this request resolves to; an explicit unknown market is a 400. */
export function createMarketsRouter(settings: MarketSettings): Router {
  const router = Router();
  router.get('/markets', (req, res) => {
    const query = req.query[MarketRequest.query];
    if (query !== undefined && typeof query !== 'string') throw new AppError('invalid', 'Invalid query: market must be given once', { fields: [{ field: 'query.market', message: 'must be given once' }] });
    const resolution = resolveMarket(marketHintsOf(req), settings.markets, settings.defaultMarket);
    res.setHeader('Vary', MARKET_VARY);
    if (resolution.kind === 'unknown_market') {
      const field = resolution.selectedBy === 'query' ? 'query.market' : `cookies.${MarketRequest.cookie}`;
      throw new AppError('invalid', `There is no market ${JSON.stringify(resolution.requested)}; markets: ${settings.markets.map((market) => market.id).join(', ')}`, {
        fields: [{ field, message: `must be one of ${settings.markets.map((market) => market.id).join(', ')}` }],
      });
    }
    res.setHeader('Cache-Control', 'public, max-age=0, s-maxage=300');
    res.json({
      items: [...settings.markets],
      defaultMarket: settings.defaultMarket,
      current: { market: resolution.market.id, selectedBy: resolution.selectedBy },
    } satisfies MarketList);
  });
  return router;
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
