/** @jest-environment jsdom */
import { screen, waitFor } from '@testing-library/react';
import { ApiClient } from '../src/api/client';
import { forgetLegacyStoredSession } from '../src/api/session';
import { AppRoutes } from '../src/app/routes';
import { renderWithApp } from './app-harness';
import { FakeBackend } from './fake-backend';
import { FakeSessionAuth, sessionUser } from './fake-session-auth';

/** Everything the page scripts can read back from the browser's storage. */
const storedText = () =>
  [localStorage, sessionStorage].flatMap((storage) => Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`)).join('\n');

function platform() {
  const backend = new FakeBackend();
  const auth = new FakeSessionAuth().install(backend);
  backend.on('GET', '/api/orders?limit=20', (request) => (auth.accepts(request.headers.authorization) ? { status: 200, body: { items: [], nextCursor: null } } : { status: 401, body: { status: 401 } }));
  return { backend, auth };
}

describe('the session in a browser tab (jsdom: no Web Locks, no BroadcastChannel)', () => {
  afterEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('when the app loads, then a session an earlier version stored (with its refresh token) is removed, other keys stay', () => {
    localStorage.setItem('shop.session.v1', JSON.stringify({ accessToken: 'a', refreshToken: 'r', accessTokenExpiresAt: 1, user: sessionUser }));
    sessionStorage.setItem('shop.session.v1', '{}');
    localStorage.setItem('unrelated', 'kept');
    forgetLegacyStoredSession();
    expect(localStorage.getItem('shop.session.v1')).toBeNull();
    expect(sessionStorage.getItem('shop.session.v1')).toBeNull();
    expect(localStorage.getItem('unrelated')).toBe('kept');
  });

  it('when a shopper signs in, refreshes and reloads, then no token is ever in localStorage or sessionStorage', async () => {
    const { backend, auth } = platform();
    let clock = Date.now();
    const client = new ApiClient({ fetch: backend.fetch, now: () => clock });
    await client.signIn('a@example.com', 'a long walk in the park');
    expect(auth.cookie).toBeDefined();
    clock += 3_600_000;
    await client.request('/api/orders?limit=20', { auth: 'required' });
    expect(backend.requests.filter((request) => request.path === '/api/auth/session/refresh')).toHaveLength(1);
    const reloaded = new ApiClient({ fetch: backend.fetch });
    await reloaded.restore();
    expect(reloaded.user).toEqual(sessionUser);
    expect(storedText()).toBe('');
    expect(document.cookie).not.toContain('refresh');
  });

  it('when the browser has neither Web Locks nor BroadcastChannel, then a tab still refreshes one at a time and keeps working', async () => {
    expect('locks' in navigator).toBe(false);
    expect(typeof (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel).toBe('undefined');
    const { backend, auth } = platform();
    auth.signIn();
    const client = new ApiClient({ fetch: backend.fetch, initialSession: { accessToken: 'expired', accessTokenExpiresAt: Date.now() - 1, user: sessionUser } });
    await Promise.all([client.request('/api/orders?limit=20', { auth: 'required' }), client.request('/api/orders?limit=20', { auth: 'required' })]);
    expect(backend.requests.filter((request) => request.path === '/api/auth/session/refresh')).toHaveLength(1);
    expect(auth.reuseDetected).toBe(0);
  });

  it('when a page that needs an account loads with a session cookie, then it waits for the restore and shows the page, not the sign-in', async () => {
    const { backend, auth } = platform();
    auth.signIn();
    renderWithApp(<AppRoutes />, { path: '/account/orders', backend, user: null });
    expect(await screen.findByRole('heading', { name: 'Your orders' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Sign in' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('when the session is refused at a refresh (signed out on another device), then the tab goes to sign in and says the session ended', async () => {
    const { backend, auth } = platform();
    auth.signIn();
    auth.revokeAll();
    renderWithApp(<AppRoutes />, { path: '/account/orders', backend, user: { ...sessionUser } });
    // The harness's session has a token the fake auth does not know: the orders request is refused, the refresh too.
    expect(await screen.findByText('Your session has ended. Please sign in again.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy();
  });

  it('when a page that needs an account loads without a session cookie, then the visitor is sent to sign in once the restore answered', async () => {
    const { backend } = platform();
    renderWithApp(<AppRoutes />, { path: '/account/orders', backend, user: null });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('link', { name: 'Forgot your password?' }).getAttribute('href')).toBe('/account/forgot-password'));
    expect(backend.requests.filter((request) => request.path === '/api/auth/session/refresh')).toHaveLength(1);
  });
});
