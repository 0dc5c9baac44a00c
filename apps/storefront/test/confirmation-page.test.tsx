/** @jest-environment jsdom */
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import type { Order, OrderStatus } from '@shop/contracts';
import { ConfirmationPage } from '../src/shop/confirmation-page';
import { FakeBackend, renderWithApp } from './app-harness';

const orderId = '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5';
const order = (status: OrderStatus): Order => ({
  id: orderId,
  userId: 'u1',
  status,
  currency: 'EUR',
  subtotal: { amount: 4998, currency: 'EUR' },
  total: { amount: 4998, currency: 'EUR' },
  lines: [{ productId: 'p1', sku: 'SKU-1', name: 'Desk Lamp', unitPrice: { amount: 2499, currency: 'EUR' }, quantity: 2, lineTotal: { amount: 4998, currency: 'EUR' } }],
  shippingAddress: { name: 'Erika', line1: 'Hauptstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' },
  paymentMethod: { kind: 'simulated', outcome: 'timeout' },
  paymentId: null,
  failureReason: null,
  version: 1,
  createdAt: '2030-01-01T00:00:00Z',
  updatedAt: '2030-01-01T00:00:00Z',
});

function renderConfirmation(backend: FakeBackend) {
  renderWithApp(
    <Routes>
      <Route path="/orders/:id/confirmation" element={<ConfirmationPage />} />
    </Routes>,
    { path: `/orders/${orderId}/confirmation`, backend, roles: ['customer'] },
  );
}

describe('ConfirmationPage', () => {
  it('when the payment was still running (a 202, or a restart mid-checkout), then the page polls until the order is confirmed', async () => {
    const backend = new FakeBackend();
    backend.once('GET', `/api/orders/${orderId}`, { status: 200, body: order('reserved') });
    backend.on('GET', `/api/orders/${orderId}`, { status: 200, body: order('confirmed') });
    renderConfirmation(backend);
    expect(await screen.findByRole('heading', { name: 'We are processing your order' })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Thank you for your order!' }, { timeout: 3000 })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('6F1C2D3E');
  });

  it('when the order failed, then the shopper reads that nothing was charged and is sent back to the cart', async () => {
    const backend = new FakeBackend();
    backend.on('GET', `/api/orders/${orderId}`, { status: 200, body: order('payment_failed') });
    renderConfirmation(backend);
    expect(await screen.findByRole('heading', { name: 'Your order did not go through' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/Payment declined\. Nothing was charged and your cart is kept/);
    expect(screen.getByRole('link', { name: 'Back to your cart' }).getAttribute('href')).toBe('/cart');
  });
});
