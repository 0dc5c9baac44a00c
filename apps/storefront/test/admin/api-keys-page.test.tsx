/** @jest-environment jsdom */
import { fireEvent, screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import AdminApp from '../../src/admin/admin-app';
import type { ApiKeyView, IssuedApiKey } from '@shop/contracts';
import { FakeBackend, renderWithApp } from '../app-harness';

const keyView = (overrides: Partial<ApiKeyView> = {}): ApiKeyView => ({
  id: '00000000-0000-4000-8000-0000000000a1',
  name: 'Price comparison',
  tier: 'standard',
  scopes: ['catalog:read'],
  prefix: 'shp_AbCdEfGh',
  status: 'active',
  createdAt: '2030-01-01T10:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
  rotatedAt: null,
  previousKeyValidUntil: null,
  ...overrides,
});
const issuedKey = (key: string): IssuedApiKey => ({ id: '00000000-0000-4000-8000-0000000000b2', name: 'Marketplace', tier: 'premium', scopes: ['catalog:read', 'insights:read'], prefix: key.slice(0, 12), key, createdAt: '2030-01-02T10:00:00.000Z' });
const secretKey = `shp_${'k'.repeat(43)}`;

function openKeys(backend: FakeBackend) {
  renderWithApp(
    <Routes>
      <Route path="/admin/*" element={<AdminApp />} />
    </Routes>,
    { path: '/admin/api-keys', backend },
  );
}

describe('ApiKeysPage', () => {
  it('when an admin issues a key, then it is shown once with the chosen tier and scopes sent, and the list reloads', async () => {
    const backend = new FakeBackend()
      .once('GET', '/api/admin/api-keys', { status: 200, body: { items: [keyView()] } })
      .on('POST', '/api/admin/api-keys', { status: 201, body: issuedKey(secretKey) })
      .on('GET', '/api/admin/api-keys', { status: 200, body: { items: [keyView({ id: issuedKey(secretKey).id, name: 'Marketplace', tier: 'premium', prefix: secretKey.slice(0, 12) }), keyView()] } });
    openKeys(backend);
    const rows = await screen.findAllByTestId('api-key-row');
    expect(within(rows[0]).getByText('shp_AbCdEfGh…')).toBeTruthy();
    expect(screen.queryByTestId('issued-key')).toBeNull();

    const form = screen.getByRole('form', { name: 'Issue an API key' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: '  Marketplace ' } });
    fireEvent.change(within(form).getByLabelText('Tier'), { target: { value: 'premium' } });
    fireEvent.click(within(form).getByLabelText(/insights:read/));
    fireEvent.click(within(form).getByRole('button', { name: 'Issue key' }));

    const notice = await screen.findByTestId('issued-key');
    expect(notice.textContent).toContain(secretKey);
    expect(notice.textContent).toContain('shown only this once');
    expect(backend.adminRequests('POST')[0].body).toEqual({ name: 'Marketplace', tier: 'premium', scopes: ['catalog:read', 'insights:read'] });
    expect(await screen.findAllByTestId('api-key-row')).toHaveLength(2);
    // The list never shows a key, only its prefix.
    expect(screen.getByTestId('api-keys').textContent).not.toContain(secretKey);
    fireEvent.click(within(notice).getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('issued-key')).toBeNull();
  });

  it('when a key is rotated or revoked after confirming, then the new key is shown once, and a revoked key has no actions', async () => {
    const confirm = jest.spyOn(window, 'confirm').mockReturnValue(true);
    const rotatedKey = `shp_${'r'.repeat(43)}`;
    const active = keyView();
    const backend = new FakeBackend()
      .once('GET', '/api/admin/api-keys', { status: 200, body: { items: [active] } })
      .once('GET', '/api/admin/api-keys', { status: 200, body: { items: [keyView({ prefix: rotatedKey.slice(0, 12), previousKeyValidUntil: '2030-01-02T10:00:00.000Z' })] } })
      .on('GET', '/api/admin/api-keys', { status: 200, body: { items: [keyView({ status: 'revoked', revokedAt: '2030-01-01T11:00:00.000Z' })] } })
      .on('POST', `/api/admin/api-keys/${active.id}/rotate`, { status: 201, body: { ...issuedKey(rotatedKey), id: active.id, name: active.name } })
      .on('DELETE', `/api/admin/api-keys/${active.id}`, { status: 204 });
    openKeys(backend);
    const row = (await screen.findAllByTestId('api-key-row'))[0];
    fireEvent.click(within(row).getByRole('button', { name: 'Rotate' }));
    expect((await screen.findByTestId('issued-key')).textContent).toContain(rotatedKey);
    expect(await screen.findByText(/previous key works until/)).toBeTruthy();

    fireEvent.click(within(screen.getAllByTestId('api-key-row')[0]).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Revoked')).toBeTruthy();
    expect(within(screen.getAllByTestId('api-key-row')[0]).queryByRole('button')).toBeNull();
    expect(backend.adminRequests('DELETE')).toHaveLength(1);
    expect(confirm).toHaveBeenCalledTimes(2);
    confirm.mockRestore();
  });

  it('when the admin declines the confirmation, then nothing is sent', async () => {
    const confirm = jest.spyOn(window, 'confirm').mockReturnValue(false);
    const backend = new FakeBackend().on('GET', '/api/admin/api-keys', { status: 200, body: { items: [keyView()] } });
    openKeys(backend);
    const row = (await screen.findAllByTestId('api-key-row'))[0];
    fireEvent.click(within(row).getByRole('button', { name: 'Revoke' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Rotate' }));
    expect(backend.adminRequests('DELETE')).toHaveLength(0);
    expect(backend.adminRequests('POST')).toHaveLength(0);
    confirm.mockRestore();
  });
});
