/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import type { AdminProductView } from '@shop/contracts';
import { ProductCreatePage } from '../../src/admin/product-create-page';
import { ProductEditPage } from '../../src/admin/product-edit-page';
import { editFormFromProduct, marketPriceCurrencies, newProductInputFromForm, emptyNewProductForm, productPatchFromForm, rebaseEditForm } from '../../src/admin/product-form';
import { FakeBackend, renderWithApp } from '../app-harness';
import { adminProduct, fixtureProductId } from './fixtures';

const markets = {
  items: [
    { id: 'eu', name: 'Europe', currency: 'EUR', defaultLocale: 'en', countries: ['DE'], pricesIncludeTax: true },
    { id: 'us', name: 'United States', currency: 'USD', defaultLocale: 'en', countries: ['US'], pricesIncludeTax: false },
    { id: 'jp', name: 'Japan', currency: 'JPY', defaultLocale: 'ja', countries: ['JP'], pricesIncludeTax: true },
  ],
  defaultMarket: 'eu',
  current: { market: 'eu', selectedBy: 'default' },
};

/** EUR base, USD set explicitly, JPY derived. */
const priced = (overrides: Partial<AdminProductView> = {}) =>
  adminProduct({
    prices: [
      { amount: 4999, currency: 'EUR', derived: false },
      { amount: 5500, currency: 'USD', derived: false },
      { amount: 8200, currency: 'JPY', derived: true },
    ],
    ...overrides,
  });

describe('market prices in the product form', () => {
  it('when the markets are known, then the currencies offered are theirs other than the base one, once each', () => {
    expect(marketPriceCurrencies([...markets.items, { currency: 'USD' }], 'EUR')).toEqual(['USD', 'JPY']);
    expect(marketPriceCurrencies(markets.items, 'USD')).toEqual(['EUR', 'JPY']);
  });

  it('when a product has explicit prices, then the edit form is prefilled with them in major units, never with derived ones', () => {
    expect(editFormFromProduct(priced()).marketPrices).toEqual({ USD: '55.00' });
  });

  it('when market prices change, then the patch carries the whole explicit list in minor units of each currency; emptied, it sends null; unchanged, nothing', () => {
    const current = priced();
    const form = editFormFromProduct(current);
    const currencies = ['USD', 'JPY'];
    expect(productPatchFromForm(form, current, undefined, currencies).patch).toEqual({});
    expect(productPatchFromForm({ ...form, marketPrices: { USD: '55', JPY: '8500' } }, current, undefined, currencies).patch).toEqual({
      marketPrices: [
        { amount: 5500, currency: 'USD' },
        { amount: 8500, currency: 'JPY' },
      ],
    });
    expect(productPatchFromForm({ ...form, marketPrices: { USD: ' ' } }, current, undefined, currencies).patch).toEqual({ marketPrices: null });
  });

  it('when a product has an explicit price in a currency no market uses any more, then a change to the others keeps it', () => {
    const current = priced({ prices: [{ amount: 4999, currency: 'EUR', derived: false }, { amount: 4200, currency: 'GBP', derived: false }] });
    const { patch } = productPatchFromForm({ ...editFormFromProduct(current), marketPrices: { GBP: '42.00', USD: '60' } }, current, undefined, ['USD']);
    expect(patch.marketPrices).toEqual([
      { amount: 4200, currency: 'GBP' },
      { amount: 6000, currency: 'USD' },
    ]);
  });

  it('when a market price has more decimals than its currency allows, then that field says so and nothing is sent for it', () => {
    const current = priced();
    const { patch, errors } = productPatchFromForm({ ...editFormFromProduct(current), marketPrices: { USD: '55', JPY: '82.5' } }, current, undefined, ['USD', 'JPY']);
    expect(errors).toEqual({ 'marketPrices.JPY': 'Enter an amount like 1299, with at most 0 decimal places.' });
    expect(patch).toEqual({});
  });

  it('when a new product has market prices, then only the non-empty ones of the offered currencies are sent; one in the new base currency is not', () => {
    const form = { ...emptyNewProductForm, sku: 'LAMP-9', name: 'Lamp', price: '20', currency: 'USD', marketPrices: { EUR: '18.5', JPY: '', USD: '21' } };
    expect(newProductInputFromForm(form, undefined, ['USD', 'EUR', 'JPY']).input?.marketPrices).toEqual([{ amount: 1850, currency: 'EUR' }]);
    expect(newProductInputFromForm({ ...form, marketPrices: {} }, undefined, ['EUR']).input).not.toHaveProperty('marketPrices');
  });

  it('when another write changed the product, then untouched market prices follow it and edited ones stay', () => {
    const before = priced();
    const after = priced({ prices: [{ amount: 4999, currency: 'EUR', derived: false }, { amount: 5600, currency: 'USD', derived: false }, { amount: 9000, currency: 'JPY', derived: false }] });
    expect(rebaseEditForm(editFormFromProduct(before), before, after).marketPrices).toEqual({ USD: '56.00', JPY: '9000' });
    expect(rebaseEditForm({ ...editFormFromProduct(before), marketPrices: { USD: '57' } }, before, after).marketPrices).toEqual({ USD: '57', JPY: '9000' });
  });
});

describe('market prices on the admin pages', () => {
  const adminPath = `/api/catalog/admin/products/${fixtureProductId}`;

  it('when the edit page opens, then each other market currency has a field: the explicit price prefilled, the derived one as placeholder and hint; a change is saved as marketPrices', async () => {
    const backend = new FakeBackend()
      .on('GET', '/api/catalog/markets', { status: 200, body: markets })
      .on('GET', adminPath, { status: 200, body: priced(), headers: { etag: '"v3"' } })
      .on('PATCH', `/api/catalog/products/${fixtureProductId}`, { status: 200, body: priced({ version: 4 }), headers: { etag: '"v4"' } });
    renderWithApp(
      <Routes>
        <Route path="/admin/products/:id" element={<ProductEditPage />} />
      </Routes>,
      { path: `/admin/products/${fixtureProductId}`, backend },
    );
    const section = within(await screen.findByRole('group', { name: 'Prices per market' }));
    expect(section.queryByLabelText('Price in EUR')).toBeNull();
    expect(section.getByLabelText<HTMLInputElement>('Price in USD').value).toBe('55.00');
    const yen = section.getByLabelText<HTMLInputElement>('Price in JPY');
    expect(yen.value).toBe('');
    expect(yen.placeholder).toBe('8200');
    expect(section.getByText(/^Derived from the rate table: .*8,200\.$/)).toBeTruthy();

    fireEvent.change(yen, { target: { value: '8500' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(backend.adminRequests('PATCH')).toHaveLength(1));
    expect(backend.adminRequests('PATCH')[0].body).toEqual({
      marketPrices: [
        { amount: 5500, currency: 'USD' },
        { amount: 8500, currency: 'JPY' },
      ],
    });
  });

  it('when the catalog refuses a market price, then its message shows in the section', async () => {
    const backend = new FakeBackend()
      .on('GET', '/api/catalog/markets', { status: 200, body: markets })
      .on('GET', adminPath, { status: 200, body: priced(), headers: { etag: '"v3"' } })
      .on('PATCH', `/api/catalog/products/${fixtureProductId}`, {
        status: 400,
        body: { status: 400, title: 'Bad request', errors: [{ field: 'body.marketPrices.0.currency', message: 'must differ from the currency of price (the base price)' }] },
      });
    renderWithApp(
      <Routes>
        <Route path="/admin/products/:id" element={<ProductEditPage />} />
      </Routes>,
      { path: `/admin/products/${fixtureProductId}`, backend },
    );
    fireEvent.change(await screen.findByLabelText('Price in USD'), { target: { value: '56' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    const section = within(screen.getByRole('group', { name: 'Prices per market' }));
    expect(await section.findByText('Prices per market must differ from the currency of price (the base price).')).toBeTruthy();
  });

  it('when a product is created, then the market currencies other than the chosen one are offered and the filled ones are sent', async () => {
    const backend = new FakeBackend().on('GET', '/api/catalog/markets', { status: 200, body: markets }).on('POST', '/api/catalog/products', { status: 400, body: { status: 400, title: 'Bad request' } });
    renderWithApp(
      <Routes>
        <Route path="/admin/products/new" element={<ProductCreatePage />} />
      </Routes>,
      { path: '/admin/products/new', backend, locale: 'de' },
    );
    const section = within(await screen.findByRole('group', { name: 'Preise je Markt' }));
    expect(section.queryByLabelText('Preis in EUR')).toBeNull();
    expect(section.getAllByText('Leer: aus der Kurstabelle abgeleitet.')).toHaveLength(2);
    fireEvent.change(section.getByLabelText('Preis in USD'), { target: { value: '21,50' } });
    fireEvent.change(screen.getByLabelText('Artikelnummer'), { target: { value: 'LAMP-9' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Lamp' } });
    fireEvent.change(screen.getByLabelText('Preis'), { target: { value: '19,90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Produkt anlegen' }));
    await waitFor(() => expect(backend.adminRequests('POST')).toHaveLength(1));
    expect(backend.adminRequests('POST')[0].body).toMatchObject({ price: { amount: 1990, currency: 'EUR' }, marketPrices: [{ amount: 2150, currency: 'USD' }] });
  });
});
