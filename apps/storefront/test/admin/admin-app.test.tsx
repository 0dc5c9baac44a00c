/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import AdminApp from '../../src/admin/admin-app';
import type { AdminProductView, AuthRole } from '@shop/contracts';
import { FakeBackend, renderWithApp } from '../app-harness';

function product(index: number): AdminProductView {
  return {
    id: `00000000-0000-4000-8000-00000000000${index}`,
    sku: `SKU-${index}`,
    name: `Product ${index}`,
    description: '',
    brand: null,
    category: null,
    imageUrls: [],
    images: [],
    attributes: {},
    price: { amount: 1000 + index, currency: 'EUR' },
    prices: [{ amount: 1000 + index, currency: 'EUR', derived: false }],
    status: 'active',
    version: 1,
    availability: { available: 3, inStock: true },
    createdAt: '2030-01-01T00:00:00Z',
    updatedAt: '2030-01-01T00:00:00Z',
    inventory: { onHand: 5, reserved: 2 },
    translations: {},
    source: null,
    externalId: null,
  };
}

function openAdmin(path: string, backend: FakeBackend, roles?: AuthRole[]) {
  return renderWithApp(
    <Routes>
      <Route path="/admin/*" element={<AdminApp />} />
    </Routes>,
    { path, backend, roles },
  );
}

describe('AdminApp', () => {
  it('when the user lacks the admin role, then the page says so and calls no admin API', async () => {
    const backend = new FakeBackend();
    openAdmin('/admin/products', backend, ['customer']);
    expect(screen.getByRole('heading', { level: 1, name: 'Admin' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('You need the admin role to see this page.');
    expect(screen.queryByRole('navigation', { name: 'Admin' })).toBeNull();
    await waitFor(() => expect(backend.requests.length).toBeGreaterThan(0));
    expect(backend.adminRequests()).toEqual([]);
  });

  it('when an admin opens /admin/products, then the products list opens under the admin navigation, the home first in it', async () => {
    const backend = new FakeBackend().on('GET', '/api/catalog/admin/products?limit=25', { status: 200, body: { items: [product(1)], nextCursor: null } });
    openAdmin('/admin/products', backend);
    expect(await screen.findByRole('heading', { level: 1, name: 'Products' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Admin' });
    expect(within(nav).getByRole('link', { name: 'Products' }).getAttribute('aria-current')).toBe('page');
    expect(within(nav).getByRole('link', { name: 'Home' }).getAttribute('aria-current')).toBeNull();
    expect(within(nav).getAllByRole('link').map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['Home', '/admin'],
      ['Products', '/admin/products'],
      ['Orders', '/admin/orders'],
      ['Sync runs', '/admin/sync-runs'],
      ['Reports', '/admin/reports'],
      ['API keys', '/admin/api-keys'],
    ]);
    const row = await screen.findByTestId('admin-product-row');
    expect(within(row).getByRole('link', { name: 'Product 1' }).getAttribute('href')).toBe(`/admin/products/${product(1).id}`);
    expect(row.textContent).toContain('5 / 2');
    expect(screen.getByRole('link', { name: 'New product' }).getAttribute('href')).toBe('/admin/products/new');
  });

  it('when the admin searches, filters by status and loads more, then the requests follow (the search once typing pauses)', async () => {
    const backend = new FakeBackend()
      .on('GET', '/api/catalog/admin/products?limit=25', { status: 200, body: { items: [product(1)], nextCursor: null } })
      .on('GET', '/api/catalog/admin/products?limit=25&q=lamp', { status: 200, body: { items: [product(2)], nextCursor: null } })
      .on('GET', '/api/catalog/admin/products?limit=25&q=lamp&status=draft', { status: 200, body: { items: [product(3)], nextCursor: 'c1' } })
      .on('GET', '/api/catalog/admin/products?limit=25&q=lamp&status=draft&cursor=c1', { status: 200, body: { items: [product(4)], nextCursor: null } });
    openAdmin('/admin/products', backend);
    await screen.findByText('Product 1');

    fireEvent.change(screen.getByLabelText('Search products'), { target: { value: 'l' } });
    fireEvent.change(screen.getByLabelText('Search products'), { target: { value: 'lamp' } });
    expect(await screen.findByText('Product 2', undefined, { timeout: 2000 })).toBeTruthy();
    expect(backend.adminRequests().map((request) => request.path)).toEqual(['/api/catalog/admin/products?limit=25', '/api/catalog/admin/products?limit=25&q=lamp']);

    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'draft' } });
    expect(await screen.findByText('Product 3')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Product 4')).toBeTruthy();
    expect(screen.getAllByTestId('admin-product-row')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('when an admin creates a product with a duplicate SKU, then the catalog’s message is shown beside the SKU; on success the edit page opens', async () => {
    const created = { ...product(7), name: 'Lamp' };
    const backend = new FakeBackend()
      .once('POST', '/api/catalog/products', { status: 409, body: { status: 409, detail: 'A product with SKU LAMP-7 already exists', errors: [{ field: 'body.sku', message: 'is already used' }] } })
      .once('POST', '/api/catalog/products', { status: 201, body: created, headers: { etag: '"v1"' } })
      .on('GET', `/api/catalog/admin/products/${created.id}`, { status: 200, body: created, headers: { etag: '"v1"' } });
    openAdmin('/admin/products/new', backend);
    await screen.findByRole('heading', { level: 1, name: 'New product' });

    fireEvent.click(screen.getByRole('button', { name: 'Create product' }));
    expect(await screen.findByText('Enter the SKU.')).toBeTruthy();
    expect(backend.adminRequests('POST')).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('SKU'), { target: { value: 'LAMP-7' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Lamp' } });
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'Bright.' } });
    fireEvent.change(screen.getByLabelText('Price'), { target: { value: '19.90' } });
    fireEvent.change(screen.getByLabelText('Currency'), { target: { value: 'USD' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create product' }));
    expect(await screen.findByText('SKU is already used.')).toBeTruthy();
    expect(backend.adminRequests('POST')[0].body).toEqual({ sku: 'LAMP-7', name: 'Lamp', description: 'Bright.', brand: null, category: null, price: { amount: 1990, currency: 'USD' }, status: 'draft' });

    fireEvent.click(screen.getByRole('button', { name: 'Create product' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Edit Lamp' })).toBeTruthy();
    expect(screen.getByText('Product created.')).toBeTruthy();
  });
});
