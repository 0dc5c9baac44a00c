import { Router } from 'express';
import { MarketRequest, type MarketList } from '@shop/contracts';
import { MARKET_VARY, resolveRequestMarket, unknownMarket, type MarketSettings } from '@shop/platform';

/** `GET /api/catalog/markets`: the shop's markets and the one this request resolves to; an explicit unknown market is a 400. */
export function createMarketsRouter(settings: MarketSettings): Router {
  const router = Router();
  router.get('/markets', (req, res) => {
    res.setHeader('Vary', MARKET_VARY);
    const resolution = resolveRequestMarket(req, settings);
    if (resolution.kind === 'unknown_market') throw unknownMarket(resolution.requested, resolution.selectedBy === 'query' ? 'query.market' : `cookies.${MarketRequest.cookie}`, settings);
    res.setHeader('Cache-Control', 'public, max-age=0, s-maxage=300');
    res.json({
      items: [...settings.markets],
      defaultMarket: settings.defaultMarket,
      current: { market: resolution.market.id, selectedBy: resolution.selectedBy },
    } satisfies MarketList);
  });
  return router;
}
