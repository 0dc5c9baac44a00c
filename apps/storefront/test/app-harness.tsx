import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { ApiClient } from '../src/api/client';
import type { AuthRole, AuthUser } from '@shop/contracts';
import { AppProvider } from '../src/app/app-context';
import type { SupportedLocale } from '../src/i18n/catalogues';
import { I18nProvider } from '../src/i18n/i18n-context';
import type { FakeBackend } from './fake-backend';

export { FakeBackend, type FakeAnswer, type RecordedRequest } from './fake-backend';

/** The account the harness signs in unless told otherwise. */
export const harnessUser: AuthUser = { id: 'admin-1', email: 'admin@example.com', name: 'Admin', roles: ['admin'], emailVerified: true, createdAt: '2030-01-01T00:00:00Z' };

/**
 * Renders `ui` inside the app's providers and a router at `path`, signed in with `roles` (an empty cart unless the
 * backend answers the cart). `user: null` starts signed out: the app then restores the session from the backend's
 * `/api/auth/session/refresh`, as on a page load. `locale` fixes the language (else the browser's: English in jsdom).
 */
export function renderWithApp(ui: ReactNode, options: { path: string; backend: FakeBackend; roles?: AuthRole[]; user?: Partial<AuthUser> | null; locale?: SupportedLocale }) {
  const user = options.user === null ? undefined : { ...harnessUser, roles: options.roles ?? harnessUser.roles, ...options.user };
  const client = new ApiClient({
    initialSession: user && { accessToken: 'token', accessTokenExpiresAt: Date.now() + 3_600_000, user },
    fetch: options.backend.fetch,
    channel: null,
  });
  if (!options.backend.has('GET', '/api/cart')) options.backend.on('GET', '/api/cart', { status: 200, body: { cartId: null, owner: 'user', lines: [], itemCount: 0, subtotal: { amount: 0, currency: null }, hasAvailabilityIssues: false, createdAt: null, updatedAt: null } });
  const rendered = render(
    <MemoryRouter initialEntries={[options.path]}>
      <I18nProvider locale={options.locale}>
        <AppProvider client={client}>{ui}</AppProvider>
      </I18nProvider>
    </MemoryRouter>,
  );
  return { ...rendered, client };
}
