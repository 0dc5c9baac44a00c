/** @jest-environment jsdom */
import { fireEvent, screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import AdminApp from '../../src/admin/admin-app';
import type { SupportedLocale } from '../../src/i18n/catalogues';
import { FakeBackend, renderWithApp } from '../app-harness';
import { adminProduct, fixtureProductId } from './fixtures';

function openAdmin(path: string, backend: FakeBackend, locale: SupportedLocale) {
  return renderWithApp(
    <Routes>
      <Route path="/admin/*" element={<AdminApp />} />
    </Routes>,
    { path, backend, locale },
  );
}

const order = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  userId: 'user-12345678-abc',
  status: 'confirmed',
  currency: 'EUR',
  subtotal: { amount: 129900, currency: 'EUR' },
  total: { amount: 129900, currency: 'EUR' },
  lines: [{ productId: 'p1', sku: 'LAMP-1', name: 'Desk lamp', unitPrice: { amount: 129900, currency: 'EUR' }, quantity: 1, lineTotal: { amount: 129900, currency: 'EUR' } }],
  shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  paymentMethod: { kind: 'simulated', outcome: 'approve' },
  paymentId: 'pay-1',
  failureReason: null,
  version: 1,
  createdAt: '2030-01-02T10:00:00Z',
  updatedAt: '2030-01-02T10:00:00Z',
};

describe('back office in German and Japanese', () => {
  it('when the language is de, then the navigation, the product list and its prices are German', async () => {
    const backend = new FakeBackend().on('GET', '/api/catalog/admin/products?limit=25', { status: 200, body: { items: [adminProduct({ price: { amount: 129900, currency: 'EUR' } })], nextCursor: null } });
    openAdmin('/admin/products', backend, 'de');
    expect(await screen.findByRole('heading', { name: 'Produkte' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Verwaltung' });
    for (const name of ['Start', 'Produkte', 'Bestellungen', 'Berichte', 'API-Schlüssel']) expect(within(nav).getByRole('link', { name })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Neues Produkt' })).toBeTruthy();
    expect(screen.getByLabelText('Produkte suchen')).toBeTruthy();
    const row = await screen.findByTestId('admin-product-row');
    expect(within(row).getByText('Aktiv')).toBeTruthy();
    expect(within(row).getByText('1.299,00 €')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: /Bestand/ })).toBeTruthy();
  });

  it('when the language is de, then the create form labels and its validation messages are German', async () => {
    openAdmin('/admin/products/new', new FakeBackend(), 'de');
    expect(await screen.findByRole('heading', { name: 'Neues Produkt' })).toBeTruthy();
    for (const label of ['Artikelnummer', 'Name', 'Beschreibung', 'Marke', 'Kategorie-Slug', 'Preis', 'Währung', 'Status']) expect(screen.getByLabelText(label)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Preis'), { target: { value: '12.999' } });
    fireEvent.click(screen.getByRole('button', { name: 'Produkt anlegen' }));
    expect(await screen.findByText('Bitte korrigieren Sie die markierten Felder.')).toBeTruthy();
    expect(screen.getByText('Geben Sie die Artikelnummer ein.')).toBeTruthy();
    expect(screen.getByText('Geben Sie den Namen ein.')).toBeTruthy();
    expect(screen.getByText('Geben Sie einen Betrag wie 12.99 ein, mit höchstens 2 Nachkommastellen.')).toBeTruthy();
  });

  it('when the language is de, then the edit page is German', async () => {
    const backend = new FakeBackend().on('GET', `/api/catalog/admin/products/${fixtureProductId}`, { status: 200, body: adminProduct(), headers: { etag: '"v3"' } });
    openAdmin(`/admin/products/${fixtureProductId}`, backend, 'de');
    expect(await screen.findByRole('heading', { name: 'Desk lamp bearbeiten' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Änderungen speichern' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Bestand aktualisieren' })).toBeTruthy();
    expect(screen.getByTestId('reserved').textContent).toBe('Reserviert: 2');
  });

  it('when the language is de, then the orders list has German statuses, dates and amounts', async () => {
    const backend = new FakeBackend().on('GET', '/api/orders/admin/orders?limit=25', { status: 200, body: { items: [order], nextCursor: null } });
    openAdmin('/admin/orders', backend, 'de');
    expect(await screen.findByRole('heading', { name: 'Bestellungen' })).toBeTruthy();
    const row = await screen.findByTestId('admin-order-row');
    expect(within(row).getByText('Bestätigt')).toBeTruthy();
    expect(within(row).getByText('1.299,00 €')).toBeTruthy();
    expect(within(row).getByText('02.01.2030, 10:00 UTC')).toBeTruthy();
    expect(within(row).getByRole('link', { name: 'Bestellung 7C9E6679' })).toBeTruthy();
  });

  it('when the language is ja, then the navigation and the order list are Japanese', async () => {
    const backend = new FakeBackend().on('GET', '/api/orders/admin/orders?limit=25', { status: 200, body: { items: [order], nextCursor: null } });
    openAdmin('/admin/orders', backend, 'ja');
    expect(await screen.findByRole('heading', { name: '注文' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: '管理' })).toBeTruthy();
    expect(within(await screen.findByTestId('admin-order-row')).getByText('確定済み')).toBeTruthy();
  });
});
