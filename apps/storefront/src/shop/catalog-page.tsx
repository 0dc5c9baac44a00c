import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ProductQuery } from '../api/shop-api';
import type { CategoryTreeNode, ProductView } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { catalogQueryFromParams, paramsFromCatalogQuery } from '../lib/catalog-query';
import { minorUnitDigits, moneyInputValue, parseMoneyInput } from '../lib/money';
import { useCursorPages } from '../lib/use-cursor-pages';
import { useSearchText } from '../lib/use-search-text';
import { useUrlMirror } from '../lib/use-url-mirror';
import { Alert, LoadMoreButton, Spinner } from '../ui/components';
import { ProductCard } from './product-card';

const pageSize = 24;
// The price filter's inputs take major units ("19.99"), the API minor units in the currency of the shopper's market;
// until the market is known, the currency the products are priced in (what the services resolved), else the default.
const defaultCurrency = 'EUR';

/** Home: search as you type, category tree, brand / price / stock filters, sort, and "load more" on the cursor. */
export function CatalogPage() {
  const { shop, market, pickedMarketId } = useApp();
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => catalogQueryFromParams(params), [params]);
  // The picked market and the language are part of the key: picking another one reads the first page again, in its
  // currency or language (learning the market the services resolved does not: the page already is in it).
  const queryKey = `${paramsFromCatalogQuery(query).toString()}|${pickedMarketId ?? ''}|${locale}`;

  const [categories, setCategories] = useState<CategoryTreeNode[]>([]);
  const [brandsSeen, setBrandsSeen] = useState<string[]>([]);
  const { items: products, nextCursor, error, loadingMore, loadMore } = useCursorPages<ProductView>(
    (cursor, signal) => shop.searchProducts({ ...query, limit: pageSize, cursor }, signal),
    queryKey,
  );

  const update = (changes: Partial<ProductQuery>) => {
    const next = { ...query, ...changes };
    if (!next.q && next.sort === 'relevance') delete next.sort;
    setParams(paramsFromCatalogQuery(next), { replace: changes.q !== undefined });
  };
  const [searchText, setSearchText] = useSearchText(query.q ?? '', (typed) => update({ q: typed || undefined }));
  const [inStockShown, showInStock] = useUrlMirror(!!query.inStock);
  const [sortShown, showSort] = useUrlMirror<string>(query.sort ?? (query.q ? 'relevance' : 'newest'));

  useEffect(() => {
    shop.categories().then(setCategories, () => setCategories([]));
  }, [shop]);
  // The brand box suggests the brands of every result seen so far (the API has no brand facet).
  useEffect(() => {
    const brands = (products ?? []).map((item) => item.brand).filter((brand): brand is string => !!brand);
    setBrandsSeen((seen) => (brands.every((brand) => seen.includes(brand)) ? seen : [...new Set([...seen, ...brands])].sort()));
  }, [products]);

  const priceCurrency = market?.currency ?? products?.[0]?.price.currency ?? defaultCurrency;
  const heading = query.q ? t('shop.resultsFor', { query: query.q }) : query.category ? (findCategory(categories, query.category)?.name ?? t('shop.products')) : t('shop.allProducts');

  return (
    <div className="catalog">
      <aside className="filters" aria-label={t('shop.filters')}>
        <h2 className="filters-title">{t('shop.categories')}</h2>
        <nav aria-label={t('shop.categories')}>
          <ul className="category-tree">
            <li>
              <Link to={{ search: paramsFromCatalogQuery({ ...query, category: undefined }).toString() }} aria-current={!query.category ? 'page' : undefined}>
                All products
              </Link>
            </li>
            {categories.map((category) => (
              <CategoryNode key={category.id} category={category} query={query} />
            ))}
          </ul>
        </nav>
        <h2 className="filters-title">{t('shop.refine')}</h2>
        <form className="refine" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor="brand-filter">{t('shop.brand')}</label>
            <input
              id="brand-filter"
              list="brands-seen"
              defaultValue={query.brand ?? ''}
              key={query.brand ?? ''}
              onBlur={(event) => event.target.value.trim() !== (query.brand ?? '') && update({ brand: event.target.value.trim() || undefined })}
              onKeyDown={(event) => event.key === 'Enter' && update({ brand: event.currentTarget.value.trim() || undefined })}
            />
            <datalist id="brands-seen">
              {brandsSeen.map((brand) => (
                <option key={brand} value={brand} />
              ))}
            </datalist>
          </div>
          <fieldset className="price-range">
            <legend>{t('shop.priceIn', { currency: priceCurrency })}</legend>
            <PriceInput id="minimum-price" label={t('shop.minPrice')} currency={priceCurrency} value={query.minPrice} onChange={(minPrice) => update({ minPrice })} />
            <PriceInput id="maximum-price" label={t('shop.maxPrice')} currency={priceCurrency} value={query.maxPrice} onChange={(maxPrice) => update({ maxPrice })} />
          </fieldset>
          <div className="field checkbox">
            <input
              id="in-stock"
              type="checkbox"
              checked={inStockShown}
              onChange={(event) => {
                showInStock(event.target.checked);
                update({ inStock: event.target.checked || undefined });
              }}
            />
            <label htmlFor="in-stock">{t('shop.inStockOnly')}</label>
          </div>
        </form>
      </aside>

      <section className="results" aria-labelledby="results-heading">
        <div className="search-bar" role="search">
          <label htmlFor="search" className="visually-hidden">
            {t('shop.searchProducts')}
          </label>
          <input id="search" type="search" placeholder={t('shop.searchProducts')} value={searchText} onChange={(event) => setSearchText(event.target.value)} autoComplete="off" />
          <label htmlFor="sort" className="visually-hidden">
            {t('shop.sortBy')}
          </label>
          <select
            id="sort"
            value={sortShown}
            onChange={(event) => {
              showSort(event.target.value);
              update({ sort: event.target.value as ProductQuery['sort'] });
            }}
          >
            {query.q && <option value="relevance">{t('shop.bestMatch')}</option>}
            <option value="newest">{t('shop.newest')}</option>
            <option value="price">{t('shop.priceLowHigh')}</option>
            <option value="-price">{t('shop.priceHighLow')}</option>
          </select>
        </div>
        <h1 id="results-heading">{heading}</h1>
        {error && <Alert>{error}</Alert>}
        {!products ? (
          !error && <Spinner label={t('shop.loadingProducts')} />
        ) : products.length === 0 ? (
          <p className="empty">{t('shop.noProducts')}</p>
        ) : (
          <>
            <p className="result-count" role="status">
              {t('shop.showing', { count: products.length })}
              {nextCursor ? t('shop.moreAvailable') : ''}
            </p>
            <ul className="product-grid">
              {products.map((product) => (
                <li key={product.id}>
                  <ProductCard product={product} />
                </li>
              ))}
            </ul>
            <LoadMoreButton nextCursor={nextCursor} loading={loadingMore} onClick={() => void loadMore()} />
          </>
        )}
      </section>
    </div>
  );
}

function findCategory(categories: CategoryTreeNode[], slug: string): CategoryTreeNode | undefined {
  for (const category of categories) {
    if (category.slug === slug) return category;
    const found = findCategory(category.children, slug);
    if (found) return found;
  }
  return undefined;
}

function CategoryNode({ category, query }: { category: CategoryTreeNode; query: ProductQuery }) {
  const selected = query.category === category.slug;
  return (
    <li>
      <Link to={{ search: paramsFromCatalogQuery({ ...query, category: category.slug }).toString() }} aria-current={selected ? 'page' : undefined}>
        {category.name}
      </Link>
      {category.children.length > 0 && (
        <ul>
          {category.children.map((child) => (
            <CategoryNode key={child.id} category={child} query={query} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** A price bound typed in major units of `currency` and reported in its integer minor units (undefined: no bound). */
function PriceInput({ id, label, currency, value, onChange }: { id: string; label: string; currency: string; value: number | undefined; onChange: (minor: number | undefined) => void }) {
  const digits = minorUnitDigits(currency);
  const commit = (text: string) => {
    // Blank or not an amount in this currency ("1.999" EUR, "12.5" JPY, "-3"): no bound, as an empty field.
    const minor = text.trim() === '' ? undefined : parseMoneyInput(text, currency);
    if (minor !== value) onChange(minor);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode={digits === 0 ? 'numeric' : 'decimal'}
        autoComplete="off"
        key={`${currency}|${value ?? 'none'}`}
        defaultValue={value === undefined ? '' : moneyInputValue({ amount: value, currency })}
        onBlur={(event) => commit(event.target.value)}
        onKeyDown={(event) => event.key === 'Enter' && commit(event.currentTarget.value)}
      />
    </div>
  );
}
