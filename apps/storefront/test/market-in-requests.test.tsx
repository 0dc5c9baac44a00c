/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { Layout } from '../src/app/layout';
import { CatalogPage } from '../src/shop/catalog-page';
import { ProductPage } from '../src/shop/product-page';
import { FakeBackend, renderWithApp, type RecordedRequest } from './app-harness';
import { cartLine, cartOf } from './cart-fixtures';

const markets = (current: string) => ({
  items: [
    { id: 'eu', name: 'Europe', currency: 'EUR', defaultLocale: 'en', countries: ['DE'], pricesIncludeTax: true },
    { id: 'us', name: 'United States', currency: 'USD', defaultLocale: 'en', countries: ['US'], pricesIncludeTax: false },
  ],
  defaultMarket: 'eu',
  current: { market: current, selectedBy: 'country' },
});

const product = {
  id: '3f1c2a4e-0000-4000-8000-000000000001',
  sku: 'LAMP-1',
  name: 'Lamp',
  description: '',
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

/** The shop's API with the markets list resolving `current`; every catalog product read is answered with `product`, whatever its query. */
function shopBackend(current: string): FakeBackend {
  const backend = new FakeBackend().on('GET', '/api/catalog/markets', { status: 200, body: markets(current) }).on('GET', '/api/catalog/categories', { status: 200, body: { items: [] } });
  const answerRegistered = backend.fetch;
  const answerEveryQuery = (async (input: RequestInfo | URL, init?: RequestInit) => {
    // The client passes the path as a string.
    const path = typeof input === 'string' ? input : input instanceof URL ? input.pathname + input.search : input.url;
    if (path.startsWith('/api/catalog/products') && !backend.has('GET', path)) {
      backend.on('GET', path, { status: 200, body: path.startsWith('/api/catalog/products?') ? { items: [product], nextCursor: null } : product });
    }
    return answerRegistered(input, init);
  }) as typeof fetch;
  Object.defineProperty(backend, 'fetch', { value: answerEveryQuery });
  return backend;
}

const productReads = (backend: FakeBackend): RecordedRequest[] => backend.requests.filter((request) => request.path.startsWith('/api/catalog/products'));
const marketOf = (request: RecordedRequest) => new URLSearchParams(request.path.split('?')[1] ?? '').get('market');

function renderShop(backend: FakeBackend, path = '/') {
  return renderWithApp(
    <Routes>
      <Route element={<Layout />}>
        <Route path="/" element={<CatalogPage />} />
        <Route path="/products/:ref" element={<ProductPage />} />
      </Route>
    </Routes>,
    { path, backend, user: null },
  );
}

afterEach(() => {
  document.cookie = 'shop_market=; Path=/; Max-Age=0';
});

describe('market in catalog reads', () => {
  it('when the market is not known yet, then the first search names none; once the markets list resolved one, the next search names it and the page is not read twice', async () => {
    const backend = shopBackend('us');
    renderShop(backend);
    expect(await screen.findByRole('link', { name: 'Lamp' })).toBeTruthy();
    await screen.findByLabelText('Market');
    expect(productReads(backend).map(marketOf)).toEqual([null]);

    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'price' } });
    await waitFor(() => expect(productReads(backend)).toHaveLength(2));
    expect(productReads(backend)[1].path).toContain('sort=price');
    expect(marketOf(productReads(backend)[1])).toBe('us');
  });

  it('when the browser picked a market before (the cookie), then the first search and the product page name it', async () => {
    document.cookie = 'shop_market=us; Path=/';
    const backend = shopBackend('us');
    renderShop(backend);
    expect(await screen.findByRole('link', { name: 'Lamp' })).toBeTruthy();
    expect(marketOf(productReads(backend)[0])).toBe('us');

    fireEvent.click(screen.getByRole('link', { name: 'Lamp' }));
    await screen.findByRole('heading', { name: 'Lamp' });
    const read = productReads(backend).at(-1)!;
    expect(read.path).toBe(`/api/catalog/products/${product.id}?market=us&lang=en`);
  });
});

describe('market switch re-prices the cart', () => {
  it('when the shopper picks a market, then the cart is moved to it (PUT /api/cart/market) before it is read again, and catalog reads name the new market', async () => {
    const euCart = cartOf([cartLine()], 4998);
    const usLine = cartLine({ unitPrice: { amount: 2799, currency: 'USD' }, lineTotal: { amount: 5598, currency: 'USD' }, repricedFrom: { amount: 2499, currency: 'EUR' } });
    const usCart = { ...cartOf([usLine], 5598), market: 'us', subtotal: { amount: 5598, currency: 'USD' } };
    const backend = shopBackend('eu')
      .on('GET', '/api/cart', { status: 200, body: { ...euCart, market: 'eu' } })
      .on('PUT', '/api/cart/market', (request) => {
        // From now on the cart service answers the re-priced cart.
        backend.on('GET', '/api/cart', { status: 200, body: usCart });
        return { status: 200, body: (request.body as { market: string }).market === 'us' ? usCart : euCart };
      });
    const { container } = renderShop(backend);
    const select = await screen.findByLabelText<HTMLSelectElement>('Market');
    await screen.findByRole('link', { name: 'Lamp' });
    const readsBefore = productReads(backend).length;

    await act(async () => {
      fireEvent.change(select, { target: { value: 'us' } });
    });
    const puts = backend.requests.filter((request) => request.method === 'PUT');
    expect(puts).toEqual([expect.objectContaining({ path: '/api/cart/market', body: { market: 'us' } })]);
    expect(document.cookie).toContain('shop_market=us');
    // The cart read after the switch comes after the move.
    const putIndex = backend.requests.indexOf(puts[0]);
    await waitFor(() => expect(backend.requests.slice(putIndex + 1).some((request) => request.method === 'GET' && request.path === '/api/cart')).toBe(true));
    await waitFor(() => expect(productReads(backend).length).toBeGreaterThan(readsBefore));
    expect(marketOf(productReads(backend).at(-1)!)).toBe('us');
    expect(container.querySelector('[data-testid="cart-count"]')?.textContent).toBe('2');
  });

  it('when the cart service refuses the move, then the cart is still read again and the switch keeps working', async () => {
    const backend = shopBackend('eu').on('PUT', '/api/cart/market', { status: 503, body: { status: 503, title: 'Unavailable' } });
    renderShop(backend);
    const select = await screen.findByLabelText<HTMLSelectElement>('Market');
    const cartReads = () => backend.requests.filter((request) => request.path === '/api/cart').length;
    await waitFor(() => expect(cartReads()).toBeGreaterThan(0));
    const before = cartReads();
    await act(async () => {
      fireEvent.change(select, { target: { value: 'us' } });
    });
    await waitFor(() => expect(cartReads()).toBeGreaterThan(before));
    expect(select.value).toBe('us');
  });
});

describe('the header\'s cart count', () => {
  it('when the first cart read answers after an add the shopper made meanwhile, then the count keeps the add (the older read does not undo it)', async () => {
    let answerFirstRead: (answer: { status: number; body: unknown }) => void = () => undefined;
    const backend = shopBackend('eu')
      .once('GET', '/api/cart', () => new Promise((resolve) => (answerFirstRead = resolve)))
      .on('POST', '/api/cart/items', { status: 200, body: cartOf([cartLine({ productId: product.id, quantity: 1 })], 2499) });
    const { container } = renderShop(backend, `/products/${product.id}`);
    const count = () => container.querySelector('[data-testid="cart-count"]')?.textContent;
    await waitFor(() => expect(backend.requests.some((request) => request.method === 'GET' && request.path === '/api/cart')).toBe(true));
    fireEvent.click(await screen.findByRole('button', { name: 'Add to cart' }));
    await waitFor(() => expect(count()).toBe('1'));

    // The read sent before the add answers now, with the cart as it was then.
    await act(async () => answerFirstRead({ status: 200, body: cartOf([], 0) }));
    expect(count()).toBe('1');
  });
});
