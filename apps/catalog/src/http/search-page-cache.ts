import { LRUCache } from 'lru-cache';
import type { CacheLookupRecorder } from '@shop/platform';

/** A rendered page of public search results: the JSON body, and how many products it holds (for analytics). */
export interface RenderedSearchPage {
  body: string;
  resultCount: number;
}

/**
 * Pages of public search results, kept rendered for a moment. During a sale most shoppers run the same few
 * searches; each ran the full-text query, ranked, joined stock and serialised twenty products, which held a search
 * to a twentieth of an empty route's throughput. Identical searches that arrive together share one query, and a page
 * is reused for `ttlMs` at most: shorter than the 15 s Front Door may already serve it for (`CachePolicies`), and
 * what it shows of stock is display only (checkout reserves against the database). A search that fails is not kept.
 */
export class SearchPageCache {
  private readonly pages?: LRUCache<string, RenderedSearchPage, () => Promise<RenderedSearchPage>>;

  private readonly lookups?: CacheLookupRecorder;

  constructor(options: { ttlMs: number; maxPages: number; lookups?: CacheLookupRecorder }) {
    if (options.ttlMs <= 0) return;
    this.lookups = options.lookups;
    this.pages = new LRUCache<string, RenderedSearchPage, () => Promise<RenderedSearchPage>>({
      max: options.maxPages,
      ttl: options.ttlMs,
      updateAgeOnGet: false,
      fetchMethod: (_key, _stale, { context: render }) => render(),
    });
  }

  /** The page of this search, rendered by `render` unless a fresh one is kept (or being rendered) already. */
  async pageOf(search: Readonly<Record<string, unknown>>, render: () => Promise<RenderedSearchPage>): Promise<RenderedSearchPage> {
    if (!this.pages) return render();
    const status: LRUCache.Status<string, RenderedSearchPage, () => Promise<RenderedSearchPage>> = {};
    const page = await this.pages.fetch(searchKeyOf(search), { context: render, status });
    // Joining a render already on its way costs no query either: a hit.
    this.lookups?.record(status.fetch === 'hit' || status.fetch === 'inflight' ? 'hit' : 'miss');
    return page ?? render();
  }
}

/** The same key for the same search whatever the order of its parameters; absent parameters are left out. */
function searchKeyOf(search: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.entries(search)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
