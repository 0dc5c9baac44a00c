/** @jest-environment jsdom */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { Layout } from '../src/app/layout';
import type { SupportedLocale } from '../src/i18n/catalogues';
import { contentLanguageOf } from '../src/i18n/translator';
import { CatalogPage } from '../src/shop/catalog-page';
import { ProductPage } from '../src/shop/product-page';
import { FakeBackend, renderWithApp, type RecordedRequest } from './app-harness';

const product = {
  id: '3f1c2a4e-0000-4000-8000-000000000001',
  sku: 'LAMP-1',
  name: 'Lamp',
  description: 'A lamp.',
  brand: null,
  category: null,
  imageUrls: [],
  attributes: {},
  price: { amount: 2499, currency: 'EUR' },
  status: 'active',
  version: 1,
  availability: { available: 5, inStock: true },
  createdAt: '2030-01-01T00:00:00Z',
  updatedAt: '2030-01-01T00:00:00Z',
};

/** The product as the catalog answers it for `?lang=`: translated into German, not into Japanese (then English). */
function productIn(lang: string | null) {
  if (lang === 'de') return { ...product, name: 'Lampe', description: 'Eine Lampe.', language: 'de' };
  return { ...product, language: 'en' };
}

const queryOf = (request: RecordedRequest) => new URLSearchParams(request.path.split('?')[1] ?? '');
const productReads = (backend: FakeBackend): RecordedRequest[] => backend.requests.filter((request) => request.path.startsWith('/api/catalog/products'));

/** The shop's API answering every catalog product read, whatever its query, in the language it names. */
function shopBackend(): FakeBackend {
  const backend = new FakeBackend().on('GET', '/api/catalog/categories', { status: 200, body: { items: [] } }).on('GET', '/api/catalog/markets', { status: 503, body: { status: 503, title: 'Unavailable' } });
  const answerRegistered = backend.fetch;
  const answerEveryQuery = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = typeof input === 'string' ? input : input instanceof URL ? input.pathname + input.search : input.url;
    if (path.startsWith('/api/catalog/products') && !backend.has('GET', path)) {
      const answer = productIn(new URLSearchParams(path.split('?')[1] ?? '').get('lang'));
      backend.on('GET', path, { status: 200, body: path.startsWith('/api/catalog/products?') ? { items: [answer], nextCursor: null } : answer });
    }
    return answerRegistered(input, init);
  }) as typeof fetch;
  Object.defineProperty(backend, 'fetch', { value: answerEveryQuery });
  return backend;
}

function renderShop(backend: FakeBackend, path: string, locale?: SupportedLocale) {
  return renderWithApp(
    <Routes>
      <Route element={<Layout />}>
        <Route path="/" element={<CatalogPage />} />
        <Route path="/products/:ref" element={<ProductPage />} />
      </Route>
    </Routes>,
    { path, backend, user: null, locale },
  );
}

afterEach(() => {
  window.localStorage.clear();
  document.cookie = 'shop_market=; Path=/; Max-Age=0';
});

describe('language of catalog reads', () => {
  it('when a tag names a region, then the catalog is asked in its language; a language the storefront does not ship is not sent', () => {
    expect(contentLanguageOf('ja-JP')).toBe('ja');
    expect(contentLanguageOf('de')).toBe('de');
    expect(contentLanguageOf('EN-gb')).toBe('en');
    expect(contentLanguageOf('fr-FR')).toBeUndefined();
  });

  it('when the UI is Japanese, then the search and the product page ask for lang=ja beside the market', async () => {
    document.cookie = 'shop_market=us; Path=/';
    const backend = shopBackend();
    renderShop(backend, '/', 'ja');
    fireEvent.click(await screen.findByRole('link', { name: 'Lamp' }));
    await screen.findByRole('heading', { name: 'Lamp' });
    expect(productReads(backend).map((request) => [request.path.split('?')[0], queryOf(request).get('market'), queryOf(request).get('lang')])).toEqual([
      ['/api/catalog/products', 'us', 'ja'],
      [`/api/catalog/products/${product.id}`, 'us', 'ja'],
    ]);
  });

  it('when the UI is English, then reads still name lang=en (an answer is cacheable only with both market and lang in its URL)', async () => {
    const backend = shopBackend();
    renderShop(backend, '/');
    await screen.findByRole('link', { name: 'Lamp' });
    expect(productReads(backend).map((request) => queryOf(request).get('lang'))).toEqual(['en']);
  });

  it('when the shopper switches the language on the catalog page, then the search is read again in it and the names switch', async () => {
    const backend = shopBackend();
    renderShop(backend, '/?q=lamp', 'en');
    await screen.findByRole('link', { name: 'Lamp' });
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'de' } });
    expect(await screen.findByRole('link', { name: 'Lampe' })).toBeTruthy();
    const reads = productReads(backend);
    expect(reads.map((request) => queryOf(request).get('lang'))).toEqual(['en', 'de']);
    // The search itself is the same: only the language changed.
    expect(queryOf(reads[1]).get('q')).toBe('lamp');
  });

  it('when the shopper switches the language on a product page, then the product is read again and its texts switch', async () => {
    const backend = shopBackend();
    renderShop(backend, `/products/${product.id}`, 'en');
    await screen.findByRole('heading', { name: 'Lamp' });
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'de' } });
    const heading = await screen.findByRole('heading', { name: 'Lampe' });
    expect(screen.getByText('Eine Lampe.')).toBeTruthy();
    expect(heading.getAttribute('lang')).toBeNull();
    expect(productReads(backend).map((request) => request.path)).toEqual([`/api/catalog/products/${product.id}?lang=en`, `/api/catalog/products/${product.id}?lang=de`]);
  });

  it('when the product has no translation in the UI language, then its name and description say they are in the base language', async () => {
    const backend = shopBackend();
    renderShop(backend, `/products/${product.id}`, 'ja');
    const heading = await screen.findByRole('heading', { name: 'Lamp' });
    expect(heading.getAttribute('lang')).toBe('en');
    expect(screen.getByText('A lamp.').getAttribute('lang')).toBe('en');
    fireEvent.click(screen.getAllByRole('link', { name: 'カタログ' })[0]);
    const card = await screen.findByRole('heading', { name: 'Lamp', level: 2 });
    expect(card.getAttribute('lang')).toBe('en');
    await waitFor(() => expect(productReads(backend)).toHaveLength(2));
  });
});
