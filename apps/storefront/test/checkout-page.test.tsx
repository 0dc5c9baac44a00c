/** @jest-environment jsdom */
import { fireEvent, screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { CheckoutPage } from '../src/shop/checkout-page';
import { FakeBackend, renderWithApp, type RecordedRequest } from './app-harness';
import { cartLine, cartOf } from './cart-fixtures';

const cart = cartOf([cartLine()], 4998);
const orderId = '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5';

function renderCheckout(backend: FakeBackend) {
  backend.on('GET', '/api/cart', { status: 200, body: cart });
  renderWithApp(
    <Routes>
      <Route path="/checkout" element={<CheckoutPage />} />
      <Route path="/orders/:id/confirmation" element={<h1>Confirmation page</h1>} />
    </Routes>,
    { path: '/checkout', backend, roles: ['customer'] },
  );
}

async function fillAddress() {
  await screen.findByLabelText('Street and number');
  const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
  type('Full name', 'Erika Mustermann');
  type('Street and number', 'Hauptstraße 5');
  type('Postal code', '10115');
  type('City', 'Berlin');
  fireEvent.change(screen.getByLabelText('Country'), { target: { value: 'DE' } });
}

const placeOrder = () => fireEvent.click(screen.getByRole('button', { name: /^Place order/ }));
const orderPosts = (backend: FakeBackend): RecordedRequest[] => backend.requests.filter((request) => request.method === 'POST' && request.path === '/api/orders');
const keyOf = (request: RecordedRequest) => request.headers['idempotency-key'];

describe('CheckoutPage', () => {
  it('when the address is incomplete, then nothing is sent and the first field to fix has the focus', async () => {
    const backend = new FakeBackend();
    renderCheckout(backend);
    await screen.findByLabelText('Street and number');
    placeOrder();
    expect(await screen.findByText('Enter the street and house number.')).toBeTruthy();
    expect(orderPosts(backend)).toHaveLength(0);
    expect(document.activeElement).toBe(screen.getByLabelText('Street and number'));
  });

  it('when the answer is lost, then the retry sends the same idempotency key, so the order cannot be placed twice', async () => {
    const backend = new FakeBackend();
    backend.once('POST', '/api/orders', () => {
      throw new TypeError('network connection lost');
    });
    backend.once('POST', '/api/orders', { status: 201, body: { id: orderId, status: 'confirmed' } });
    renderCheckout(backend);
    await fillAddress();
    placeOrder();
    expect(await screen.findByText(/lost the connection/)).toBeTruthy();
    placeOrder();
    await screen.findByRole('heading', { name: 'Confirmation page' });
    const [first, retry] = orderPosts(backend);
    expect(keyOf(first)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keyOf(retry)).toBe(keyOf(first));
    expect(retry.body).toEqual({ shippingAddress: { name: 'Erika Mustermann', line1: 'Hauptstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' }, paymentToken: 'pm_sim_approve' });
  });

  it('when the shopper clicks twice at once, then one request leaves', async () => {
    const backend = new FakeBackend();
    backend.on('POST', '/api/orders', { status: 201, body: { id: orderId, status: 'confirmed' } });
    renderCheckout(backend);
    await fillAddress();
    const button = screen.getByRole('button', { name: /^Place order/ });
    fireEvent.click(button);
    fireEvent.click(button);
    await screen.findByRole('heading', { name: 'Confirmation page' });
    expect(orderPosts(backend)).toHaveLength(1);
  });

  it('when the payment is declined, then the shopper reads why, stays with the cart, and the next try is a new attempt', async () => {
    const backend = new FakeBackend();
    backend.once('POST', '/api/orders', { status: 402, body: { status: 402, title: 'Payment declined', orderId, reason: 'declined' } });
    backend.once('POST', '/api/orders', { status: 202, body: { orderId, status: 'processing' } });
    renderCheckout(backend);
    await fillAddress();
    fireEvent.click(screen.getByLabelText('Test card that is declined'));
    placeOrder();
    expect((await screen.findByRole('alert')).textContent).toMatch(/declined and nothing was charged/);
    expect(screen.getByText('Desk Lamp', { exact: false })).toBeTruthy();
    placeOrder();
    // A slow payment (202) still leads to the confirmation page, which polls until the order settles.
    await screen.findByRole('heading', { name: 'Confirmation page' });
    const [declined, next] = orderPosts(backend);
    expect(declined.body).toMatchObject({ paymentToken: 'pm_sim_decline' });
    expect(keyOf(next)).not.toBe(keyOf(declined));
  });
});
