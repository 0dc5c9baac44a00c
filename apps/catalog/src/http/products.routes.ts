import { Router, type Request } from 'express';
import { callerAppIdHeader } from '@shop/building-blocks';
import { ProductPageLimits, productListQuerySchema } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { MARKET_VARY, parseOrThrow, requestMarketChoice, type MarketSettings } from '@shop/platform';
import { ifNoneMatchHits } from '../domain/entity-tag';
import type { CatalogAnalytics } from '../domain/ports';
import type { ProductLanguages } from '../domain/product-language';
import type { ProductQueryService } from '../domain/product-query.service';
import { CachePolicies } from './cache-policy';
import { requestLanguageChoice } from './request-language';

/**
 * "Anonymous" means a shopper who is not signed in: no Authorization header, and not another service of the
 * platform (the Dapr sidecar, and our direct invoker, name the calling app in `dapr-caller-app-id`; the cart reading
 * prices is not a product view). Public reads do not verify tokens at all (the answer is the same for everyone, and
 * the cache-hit path stays free of crypto); a signed-in shopper's views are not sent to the anonymous stream.
 */
function isAnonymous(req: Request): boolean {
  return req.headers.authorization === undefined && req.headers[callerAppIdHeader] === undefined;
}

/**
 * The market and language of a public read, and whether the URL alone chose both: only then is the answer the same
 * for everyone who asks for that URL, and a shared cache (Front Door, which keys by URL) may keep it.
 */
function readerOf(req: Request, markets: MarketSettings, languages: ProductLanguages): { currency: string; language: string; namedByUrl: boolean } {
  const { market, selectedBy } = requestMarketChoice(req, markets);
  const { language, selectedBy: languageSelectedBy } = requestLanguageChoice(req, languages, market);
  return { currency: market.currency, language, namedByUrl: selectedBy === 'query' && languageSelectedBy === 'query' };
}

/** Public product reads: search/list and one product by id or SKU, in the request's market and language. */
export function createProductsRouter(deps: { productQueries: ProductQueryService; analytics: CatalogAnalytics; markets: MarketSettings; productLanguages: ProductLanguages }): Router {
  const { productQueries, analytics, markets, productLanguages } = deps;
  const router = Router();

  router.get('/products', async (req, res) => {
    // `market` and `lang` are validated by the schema and resolved below with the cookie, country and languages.
    const { market: _marketResolvedBelow, lang: _languageResolvedBelow, ...query } = parseOrThrow(productListQuerySchema, req.query, 'query');
    // Prices, price sort and price filters in the market's currency; texts and the search's stemming in the language.
    const reader = readerOf(req, markets, productLanguages);
    res.setHeader('Vary', MARKET_VARY);
    // Rendered once per page and cached (L1, L2): a hit writes the kept bytes.
    const page = await productQueries.searchPublicProducts({ ...query, currency: reader.currency, language: reader.language, limit: query.limit ?? ProductPageLimits.default });
    if (isAnonymous(req)) {
      analytics.catalogSearched({
        q: query.q,
        category: query.category,
        brand: query.brand,
        sort: query.sort ?? (query.q ? 'relevance' : 'newest'),
        resultCount: page.resultCount,
        page: query.cursor ? 'next' : 'first',
      });
    }
    res.setHeader('Cache-Control', reader.namedByUrl ? CachePolicies.productList : CachePolicies.marketChosenByRequest);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(page.body);
  });

  // The hot path: on an L1 hit this is a map lookup and a write of the cached bytes.
  router.get('/products/:ref', async (req, res) => {
    const reader = readerOf(req, markets, productLanguages);
    res.setHeader('Vary', MARKET_VARY);
    const representation = await productQueries.readPublicProduct(req.params.ref, reader);
    if (!representation) throw new AppError('not_found', `No product ${req.params.ref}`);
    if (isAnonymous(req)) analytics.productViewed({ productId: representation.productId, sku: representation.sku });
    res.setHeader('ETag', representation.etag);
    res.setHeader('Cache-Control', reader.namedByUrl ? CachePolicies.product : CachePolicies.marketChosenByRequest);
    if (ifNoneMatchHits(req.headers['if-none-match'], representation.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(representation.body);
  });

  return router;
}
