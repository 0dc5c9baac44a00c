/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { OrderDetailPage } from '../../src/admin/order-detail-page';
import { OrdersPage } from '../../src/admin/orders-page';
import { SyncRunsPage } from '../../src/admin/sync-runs-page';
import type { OrderStatus, OrderWithHistory, SyncRunView } from '@shop/contracts';
import { FakeBackend, renderWithApp } from '../app-harness';

const orderId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

function order(status: OrderStatus, history: OrderWithHistory['history'] = []): OrderWithHistory {
  const money = (amount: number) => ({ amount, currency: 'EUR' });
  return {
    id: orderId,
    userId: 'user-12345678-abc',
    status,
    currency: 'EUR',
    subtotal: money(5000),
    total: money(5000),
    lines: [
      { productId: 'p1', sku: 'LAMP-1', name: 'Desk lamp', unitPrice: money(2000), quantity: 2, lineTotal: money(4000) },
      { productId: 'p2', sku: 'PEN-1', name: 'Pen', unitPrice: money(1000), quantity: 1, lineTotal: money(1000) },
    ],
    shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    paymentMethod: { kind: 'simulated', outcome: 'approve' },
    paymentId: 'pay-1',
    failureReason: null,
    version: 1,
    createdAt: '2030-01-02T10:00:00Z',
    updatedAt: '2030-01-02T10:00:00Z',
    history,
  };
}

const ordersPath = (query: Record<string, string>) => `/api/orders/admin/orders?${new URLSearchParams({ limit: '25', ...query })}`;

describe('OrdersPage', () => {
  it('when the admin filters by status and days, then the search covers From’s start to the end of To (UTC) and the URL keeps the filters', async () => {
    const backend = new FakeBackend()
      .on('GET', ordersPath({}), { status: 200, body: { items: [], nextCursor: null } })
      .on('GET', ordersPath({ status: 'confirmed', from: '2030-01-01T00:00:00Z', to: '2030-01-03T00:00:00Z' }), { status: 200, body: { items: [order('confirmed')], nextCursor: null } });
    renderWithApp(
      <Routes>
        <Route path="/admin/orders" element={<OrdersPage />} />
      </Routes>,
      { path: '/admin/orders?status=confirmed&from=2030-01-01&to=2030-01-02', backend },
    );
    const row = await screen.findByTestId('admin-order-row');
    expect(within(row).getByRole('link').getAttribute('href')).toBe(`/admin/orders/${orderId}`);
    expect(within(row).getByRole('link').textContent).toBe('7C9E6679');
    expect(row.textContent).toContain('user-123');
    expect(within(row).getAllByRole('cell')[3].textContent).toBe('3');
    expect(row.textContent).toContain('UTC');

    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2029-12-31' } });
    expect(await screen.findByText('Choose a day on or after the From day.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '' } });
    expect(await screen.findByText('No orders match these filters.')).toBeTruthy();
    expect(backend.adminRequests().map((request) => request.path)).toEqual([
      ordersPath({ status: 'confirmed', from: '2030-01-01T00:00:00Z', to: '2030-01-03T00:00:00Z' }),
      // Without From, the earlier To alone is a valid search again.
      ordersPath({ to: '2030-01-01T00:00:00Z' }),
      ordersPath({}),
    ]);
  });
});

describe('OrderDetailPage', () => {
  it('when a confirmed order is marked shipped, then it is read again and offers "Mark delivered"', async () => {
    const shippedHistory = [
      { from: null, to: 'pending' as const, reason: null, at: '2030-01-02T10:00:00Z' },
      { from: 'confirmed' as const, to: 'shipped' as const, reason: 'shipped', at: '2030-01-03T09:00:00Z' },
    ];
    const backend = new FakeBackend()
      .once('GET', `/api/orders/${orderId}`, { status: 200, body: order('confirmed') })
      .on('GET', `/api/orders/${orderId}`, { status: 200, body: order('shipped', shippedHistory) })
      .on('POST', `/api/orders/${orderId}/ship`, { status: 200, body: order('shipped') });
    renderWithApp(
      <Routes>
        <Route path="/admin/orders/:id" element={<OrderDetailPage />} />
      </Routes>,
      { path: `/admin/orders/${orderId}`, backend },
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Order 7C9E6679' })).toBeTruthy();
    expect(screen.getByText('Simulated payment (approve)')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Mark delivered' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Mark shipped' }));
    expect(await screen.findByRole('button', { name: 'Mark delivered' })).toBeTruthy();
    expect(screen.getByTestId('admin-order-status').textContent).toBe('Shipped');
    const history = screen.getByRole('table', { name: 'Status history, oldest first' });
    expect(within(history).getAllByRole('row')).toHaveLength(3);
    expect(backend.adminRequests('POST').map((request) => request.path)).toEqual([`/api/orders/${orderId}/ship`]);
  });
});

describe('SyncRunsPage', () => {
  const run: SyncRunView = {
    runId: 'r1',
    source: 'erp',
    trigger: 'timer',
    status: 'partial',
    startedAt: '2030-01-02T10:00:00Z',
    finishedAt: '2030-01-02T10:01:00Z',
    complete: false,
    fetched: 10,
    created: 2,
    updated: 3,
    unchanged: 4,
    archived: 0,
    rejectedCount: 1,
    rejected: [{ externalId: 'E-9', reason: 'price: must not be negative' }],
    errors: ['page 3 timed out'],
    batchesExpected: 2,
    batchesApplied: 2,
  };

  it('when there are runs, then each shows its counts and folds away its rejected records and errors; with none, it says so', async () => {
    const backend = new FakeBackend().once('GET', '/api/catalog/sync-runs?limit=50', { status: 200, body: { items: [] } }).on('GET', '/api/catalog/sync-runs?limit=50', { status: 200, body: { items: [run] } });
    renderWithApp(
      <Routes>
        <Route path="/admin/sync-runs" element={<SyncRunsPage />} />
      </Routes>,
      { path: '/admin/sync-runs', backend },
    );
    expect(await screen.findByText('No sync runs yet.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    const row = await screen.findByTestId('sync-run-row');
    expect(within(row).getAllByRole('cell').map((cell) => cell.textContent).slice(5, 11)).toEqual(['10', '2', '3', '4', '0', '1']);
    const details = row.querySelector('details')!;
    expect(details.querySelector('summary')!.textContent).toBe('1 rejected, 1 error');
    expect(details.textContent).toContain('E-9: price: must not be negative');
    expect(details.textContent).toContain('page 3 timed out');
    await waitFor(() => expect(backend.adminRequests()).toHaveLength(2));
  });
});
