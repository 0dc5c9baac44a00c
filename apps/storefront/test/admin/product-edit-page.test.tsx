/** @jest-environment jsdom */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import type { AdminProductView } from '@shop/contracts';
import { ProductEditPage } from '../../src/admin/product-edit-page';
import { formatMoney } from '../../src/lib/money';
import { FakeBackend, renderWithApp } from '../app-harness';
import { adminProduct, fixtureProductId } from './fixtures';

const id = fixtureProductId;
const path = `/api/catalog/products/${id}`;
const adminPath = `/api/catalog/admin/products/${id}`;

const product = adminProduct;

const answer = (body: AdminProductView) => ({ status: 200, body, headers: { etag: `"v${body.version}"` } });

async function openEditPage(backend: FakeBackend) {
  renderWithApp(
    <Routes>
      <Route path="/admin/products/:id" element={<ProductEditPage />} />
    </Routes>,
    { path: `/admin/products/${id}`, backend },
  );
  await screen.findByRole('heading', { level: 1, name: 'Edit Desk lamp' });
}

const input = (label: string) => screen.getByLabelText<HTMLInputElement>(label);
const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('ProductEditPage', () => {
  it('when the admin changes some fields and saves, then only those are sent as a merge-patch with the loaded ETag, and the next write uses the new one', async () => {
    const backend = new FakeBackend().on('GET', adminPath, answer(product()));
    backend.on('PATCH', path, (request) => answer(product({ ...(request.body as Partial<AdminProductView>), version: 4 })));
    await openEditPage(backend);

    expect(input('Name').value).toBe('Desk lamp');
    expect(input('Description').value).toBe('A lamp.');
    expect(input('Brand').value).toBe('Lumo');
    expect(input('Price').value).toBe('49.99');
    expect(screen.getByLabelText<HTMLSelectElement>('Status').value).toBe('active');

    type('Name', 'Desk lamp XL');
    type('Price', '54.50');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Saved.')).toBeTruthy();
    const [patch] = backend.adminRequests('PATCH');
    expect(patch.body).toEqual({ name: 'Desk lamp XL', price: { amount: 5450, currency: 'EUR' } });
    expect(patch.headers['if-match']).toBe('"v3"');
    expect(patch.headers['content-type']).toBe('application/merge-patch+json');

    type('Brand', '');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(backend.adminRequests('PATCH')).toHaveLength(2));
    expect(backend.adminRequests('PATCH')[1].body).toEqual({ brand: null });
    expect(backend.adminRequests('PATCH')[1].headers['if-match']).toBe('"v4"');
  });

  it('when someone else changed the product (412), then the current values are shown and the admin can start again from them', async () => {
    const backend = new FakeBackend().on('GET', adminPath, answer(product()));
    backend.once('PATCH', path, { status: 412, body: { status: 412, title: 'The resource has changed', detail: 'The product has changed', currentVersion: 5 } });
    await openEditPage(backend);
    backend.on('GET', adminPath, answer(product({ name: 'Desk lamp (new)', price: { amount: 5999, currency: 'EUR' }, version: 5 })));

    type('Description', 'My better description.');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    const alert = await screen.findByText(/Someone else changed this product/);
    const box = alert.closest('[role="alert"]') as HTMLElement;
    expect(box.textContent).toContain('Desk lamp (new)');
    expect(box.textContent).toContain(formatMoney({ amount: 5999, currency: 'EUR' }));
    expect(input('Description').value).toBe('My better description.');

    fireEvent.click(within(box).getByRole('button', { name: 'Use the current values' }));
    expect(input('Name').value).toBe('Desk lamp (new)');
    expect(input('Price').value).toBe('59.99');
    expect(input('Description').value).toBe('A lamp.');
    expect(screen.queryByText(/Someone else changed this product/)).toBeNull();

    backend.on('PATCH', path, (request) => answer(product({ name: 'Desk lamp (new)', price: { amount: 5999, currency: 'EUR' }, ...(request.body as Partial<AdminProductView>), version: 6 })));
    type('Description', 'My better description.');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    const last = backend.adminRequests('PATCH').at(-1)!;
    expect(last.body).toEqual({ description: 'My better description.' });
    expect(last.headers['if-match']).toBe('"v5"');
  });

  it('when a field is invalid, then nothing is sent and the field says why; a save without changes says so', async () => {
    const backend = new FakeBackend().on('GET', adminPath, answer(product()));
    await openEditPage(backend);
    type('Price', '12.345');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Enter an amount like 12.99, with at most 2 decimal places.')).toBeTruthy();
    expect(input('Price').getAttribute('aria-invalid')).toBe('true');
    type('Price', '49.99');
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Nothing to save: no field was changed.')).toBeTruthy();
    expect(backend.adminRequests('PATCH')).toHaveLength(0);
  });

  it('when the stock is updated, then it is sent with the current ETag, the new ETag is kept, and a 409 from the catalog is shown', async () => {
    const backend = new FakeBackend().on('GET', adminPath, answer(product()));
    backend.once('PUT', `${path}/inventory`, (request) => answer(product({ inventory: { onHand: (request.body as { onHand: number }).onHand, reserved: 2 }, version: 4 })));
    backend.once('PUT', `${path}/inventory`, { status: 409, body: { status: 409, detail: '3 units are reserved; on hand cannot go below that' } });
    await openEditPage(backend);
    expect(screen.getByTestId('reserved').textContent).toBe('Reserved: 2');

    type('Stock on hand', '1');
    fireEvent.click(screen.getByRole('button', { name: 'Update stock' }));
    expect(await screen.findByText('Orders hold 2 units; stock on hand cannot go below that.')).toBeTruthy();
    expect(backend.adminRequests('PUT')).toHaveLength(0);

    type('Stock on hand', '12');
    fireEvent.click(screen.getByRole('button', { name: 'Update stock' }));
    expect(await screen.findByText('Stock updated.')).toBeTruthy();
    expect(backend.adminRequests('PUT')[0]).toMatchObject({ body: { onHand: 12 }, headers: { 'if-match': '"v3"' } });

    type('Stock on hand', '2');
    fireEvent.click(screen.getByRole('button', { name: 'Update stock' }));
    expect(await screen.findByText('3 units are reserved; on hand cannot go below that')).toBeTruthy();
    expect(backend.adminRequests('PUT')[1].headers['if-match']).toBe('"v4"');
  });

  it('when the admin confirms archiving, then the product is archived with its ETag; declining sends nothing', async () => {
    const backend = new FakeBackend().on('GET', adminPath, answer(product()));
    backend.on('POST', `${path}/archive`, answer(product({ status: 'archived', version: 4 })));
    await openEditPage(backend);
    const confirm = jest.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Archive product' }));
      expect(backend.adminRequests('POST')).toHaveLength(0);
      fireEvent.click(screen.getByRole('button', { name: 'Archive product' }));
      expect(await screen.findByText('Product archived.')).toBeTruthy();
      expect(backend.adminRequests('POST')[0].headers['if-match']).toBe('"v3"');
      expect(screen.getByLabelText<HTMLSelectElement>('Status').value).toBe('archived');
      expect(screen.queryByRole('button', { name: 'Archive product' })).toBeNull();
    } finally {
      confirm.mockRestore();
    }
  });
});
