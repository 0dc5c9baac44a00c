/** @jest-environment jsdom */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { CatalogPage } from '../src/shop/catalog-page';
import { minorUnitDigits, moneyInputValue, parseMoneyInput } from '../src/lib/money';
import { FakeBackend, renderWithApp } from './app-harness';

describe('price filter amounts', () => {
  it('when a currency is given, then its ISO 4217 digits are used: EUR 2, JPY 0, KWD 3', () => {
    expect([minorUnitDigits('EUR'), minorUnitDigits('JPY'), minorUnitDigits('KWD')]).toEqual([2, 0, 3]);
  });

  it('when a shopper types major units, then they become exact integer minor units of the currency', () => {
    expect(parseMoneyInput('19.99', 'EUR')).toBe(1999);
    // 0.29 * 100 and 19.99 * 100 are not integers in floating point; text arithmetic has no such error.
    expect(parseMoneyInput('0.29', 'EUR')).toBe(29);
    expect(parseMoneyInput('1.005', 'KWD')).toBe(1005);
    expect(parseMoneyInput('1.5', 'KWD')).toBe(1500);
    expect(parseMoneyInput('1999', 'JPY')).toBe(1999);
    expect(parseMoneyInput('19,99', 'EUR')).toBe(1999);
    expect(parseMoneyInput('20', 'EUR')).toBe(2000);
    for (const [text, currency] of [['19.999', 'EUR'], ['19.5', 'JPY'], ['1.0005', 'KWD'], ['-1', 'EUR'], ['1e3', 'EUR']]) expect(parseMoneyInput(text, currency)).toBeUndefined();
  });

  it('when a bound is shown again, then minor units are written back in major units of the currency', () => {
    expect(moneyInputValue({ amount: 1999, currency: 'EUR' })).toBe('19.99');
    expect(moneyInputValue({ amount: 1999, currency: 'JPY' })).toBe('1999');
    expect(moneyInputValue({ amount: 1500, currency: 'KWD' })).toBe('1.500');
  });
});

const product = (currency: string, amount: number) => ({
  id: 'p1',
  sku: 'LAMP-1',
  name: 'Lamp',
  description: '',
  brand: null,
  category: null,
  imageUrls: [],
  attributes: {},
  price: { amount, currency },
  status: 'active',
  version: 1,
  availability: { available: 5, inStock: true },
  createdAt: '2030-01-01T00:00:00Z',
  updatedAt: '2030-01-01T00:00:00Z',
});

function renderCatalog(currency: string, amount: number) {
  const backend = new FakeBackend().on('GET', '/api/catalog/products?limit=24&lang=en', { status: 200, body: { items: [product(currency, amount)], nextCursor: null } });
  renderWithApp(
    <Routes>
      <Route path="/" element={<CatalogPage />} />
    </Routes>,
    { path: '/', backend, user: null },
  );
  return backend;
}

const searchedWith = (backend: FakeBackend, parameter: string) => backend.requests.some((request) => request.path.startsWith('/api/catalog/products?') && new URLSearchParams(request.path.split('?')[1]).get(parameter.split('=')[0]) === parameter.split('=')[1]);

describe('catalog price filter', () => {
  it('when the products are priced in JPY and a shopper enters 1999, then the search asks for 1999 minor units (no decimals)', async () => {
    const backend = renderCatalog('JPY', 2500);
    await screen.findByText('Lamp');
    expect(screen.getByText('Price (JPY)')).toBeTruthy();
    fireEvent.blur(screen.getByLabelText('Minimum price'), { target: { value: '1999' } });
    await waitFor(() => expect(searchedWith(backend, 'minPrice=1999')).toBe(true));
  });

  it('when the products are priced in EUR and a shopper enters 19.99, then the search asks for 1999 cents', async () => {
    const backend = renderCatalog('EUR', 2500);
    await screen.findByText('Lamp');
    fireEvent.blur(screen.getByLabelText('Maximum price'), { target: { value: '19.99' } });
    await waitFor(() => expect(searchedWith(backend, 'maxPrice=1999')).toBe(true));
    expect(screen.getByLabelText<HTMLInputElement>('Maximum price').value).toBe('19.99');
  });

  it('when the products are priced in KWD and a shopper enters 1.005, then the search asks for 1005 fils', async () => {
    const backend = renderCatalog('KWD', 2500);
    await screen.findByText('Lamp');
    fireEvent.blur(screen.getByLabelText('Minimum price'), { target: { value: '1.005' } });
    await waitFor(() => expect(searchedWith(backend, 'minPrice=1005')).toBe(true));
  });
});
