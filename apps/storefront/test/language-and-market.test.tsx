/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { Layout } from '../src/app/layout';
import { FakeBackend, renderWithApp } from './app-harness';

const markets = {
  items: [
    { id: 'eu', name: 'Europe', currency: 'EUR', defaultLocale: 'de', countries: ['DE', 'AT'], pricesIncludeTax: true },
    { id: 'us', name: 'United States', currency: 'USD', defaultLocale: 'en', countries: ['US'], pricesIncludeTax: false },
  ],
  defaultMarket: 'eu',
  current: { market: 'eu', selectedBy: 'default' },
};

function renderLayout(backend: FakeBackend, locale?: 'en' | 'de' | 'ja') {
  return renderWithApp(
    <Routes>
      <Route element={<Layout />}>
        <Route path="/" element={<p>Home</p>} />
      </Route>
    </Routes>,
    { path: '/', backend, locale, user: null },
  );
}

afterEach(() => {
  window.localStorage.clear();
  document.cookie = 'shop_market=; Path=/; Max-Age=0';
});

describe('language switch', () => {
  it('when nothing is chosen in a browser that prefers en-US, then the layout is English and <html lang> is en', async () => {
    renderLayout(new FakeBackend());
    expect(await screen.findByRole('link', { name: 'Catalog' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dir).toBe('ltr');
  });

  it('when the language is de, then the layout is German; switching to ja changes the texts, <html lang> and the stored choice', async () => {
    renderLayout(new FakeBackend(), 'de');
    expect(await screen.findByRole('link', { name: 'Katalog' })).toBeTruthy();
    expect(screen.getByText('Zum Inhalt springen')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Warenkorb, 0 Artikel' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('de');

    fireEvent.change(screen.getByLabelText('Sprache'), { target: { value: 'ja' } });
    expect(await screen.findByRole('link', { name: 'カタログ' })).toBeTruthy();
    expect(screen.getByLabelText('言語')).toBeTruthy();
    expect(document.documentElement.lang).toBe('ja');
    expect(window.localStorage.getItem('shop_lang')).toBe('ja');
  });

  it('when a language was stored, then the next visit starts in it', async () => {
    window.localStorage.setItem('shop_lang', 'de');
    renderLayout(new FakeBackend());
    expect(await screen.findByRole('link', { name: 'Katalog' })).toBeTruthy();
  });
});

describe('market switch', () => {
  it('when a shopper picks a market, then the shop_market cookie is set for a year and the cart is read again', async () => {
    const backend = new FakeBackend().on('GET', '/api/catalog/markets', { status: 200, body: markets });
    renderLayout(backend);
    const select = await screen.findByLabelText<HTMLSelectElement>('Market');
    expect(select.value).toBe('eu');
    const cartReads = () => backend.requests.filter((request) => request.path === '/api/cart').length;
    await waitFor(() => expect(cartReads()).toBeGreaterThan(0));
    const before = cartReads();
    const cookieWrites: string[] = [];
    const descriptor = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
    const spy = jest.spyOn(document, 'cookie', 'set').mockImplementation((value: string) => {
      cookieWrites.push(value);
      descriptor.set!.call(document, value);
    });
    await act(async () => {
      fireEvent.change(select, { target: { value: 'us' } });
    });
    spy.mockRestore();
    expect(cookieWrites).toEqual(['shop_market=us; Path=/; SameSite=Lax; Max-Age=31536000']);
    expect(document.cookie).toContain('shop_market=us');
    await waitFor(() => expect(cartReads()).toBeGreaterThan(before));
    expect(screen.getByText(/Prices exclude tax/)).toBeTruthy();
  });

  it('when the markets endpoint fails, then there is no market switch and the layout still renders', async () => {
    const backend = new FakeBackend().on('GET', '/api/catalog/markets', { status: 503, body: { type: 'about:blank', title: 'Unavailable', status: 503 } });
    renderLayout(backend);
    expect(await screen.findByRole('link', { name: 'Catalog' })).toBeTruthy();
    await waitFor(() => expect(backend.requests.some((request) => request.path === '/api/catalog/markets')).toBe(true));
    expect(screen.queryByLabelText('Market')).toBeNull();
    expect(screen.getByLabelText('Language')).toBeTruthy();
  });
});
