/** @jest-environment jsdom */
import { StrictMode } from 'react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes, useLocation } from 'react-router';
import { AccountPage } from '../src/account/account-page';
import { ForgotPasswordPage } from '../src/account/forgot-password-page';
import { ResetPasswordPage } from '../src/account/reset-password-page';
import { SignInPage } from '../src/account/sign-in-page';
import { VerifyEmailPage } from '../src/account/verify-email-page';
import { RequireUser } from '../src/app/routes';
import { tokenFromFragment } from '../src/account/link-token';
import type { SupportedLocale } from '../src/i18n/catalogues';
import { OrdersPage } from '../src/account/orders-page';
import { FakeBackend, harnessUser, renderWithApp, type RecordedRequest } from './app-harness';

/** Shows where the router is, hash included, so a test can see the token leave the address bar. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search + location.hash}</output>;
}

function renderAccountPages(path: string, backend: FakeBackend, user: Partial<typeof harnessUser> | null = { roles: ['customer'] }, locale?: SupportedLocale) {
  return renderWithApp(
    <>
      <Routes>
        <Route
          path="/account"
          element={
            <RequireUser>
              <AccountPage />
            </RequireUser>
          }
        />
        <Route path="/account/sign-in" element={<SignInPage />} />
        <Route path="/account/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/account/reset-password" element={<ResetPasswordPage />} />
        <Route path="/account/verify-email" element={<VerifyEmailPage />} />
      </Routes>
      <LocationProbe />
    </>,
    { path, backend, user, locale },
  );
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const posts = (backend: FakeBackend, path: string): RecordedRequest[] => backend.requests.filter((request) => request.method === 'POST' && request.path === path);
const location = () => screen.getByTestId('location').textContent;
const invalidToken = { status: 400, body: { status: 400, title: 'Invalid request', detail: 'The reset link is invalid or has expired', errors: [{ field: 'body.token', message: 'The reset link is invalid or has expired' }] } };

describe('link tokens', () => {
  it('when a link carries #token=…, then the token is read from the fragment; anything else is no token', () => {
    expect(tokenFromFragment('#token=abc_DEF-123')).toBe('abc_DEF-123');
    expect(tokenFromFragment('#other=1&token=x')).toBe('x');
    for (const hash of ['', '#', '#token=', '#tok=abc']) expect(tokenFromFragment(hash)).toBeUndefined();
  });
});

describe('forgot password', () => {
  it('when the sign-in page shows, then it links to "Forgot your password?"', async () => {
    renderAccountPages('/account/sign-in', new FakeBackend(), null);
    fireEvent.click(await screen.findByRole('link', { name: 'Forgot your password?' }));
    expect(await screen.findByRole('heading', { name: 'Reset your password' })).toBeTruthy();
  });

  it('when an address is sent, then the page says a link was sent if an account exists, valid for 30 minutes', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/password-reset', { status: 202, body: { status: 'accepted' } });
    renderAccountPages('/account/forgot-password', backend, null);
    fireEvent.click(await screen.findByRole('button', { name: 'Send the link' }));
    expect(await screen.findByText('Enter your email address.')).toBeTruthy();
    expect(posts(backend, '/api/auth/password-reset')).toHaveLength(0);
    type('Email', ' erika@example.com ');
    fireEvent.click(screen.getByRole('button', { name: 'Send the link' }));
    const status = await screen.findByText('If an account exists for erika@example.com, we have sent a link to reset its password. The link is valid for 30 minutes.');
    expect(status.closest('[aria-live]')?.getAttribute('aria-live')).toBe('polite');
    expect(posts(backend, '/api/auth/password-reset').map((request) => request.body)).toEqual([{ email: 'erika@example.com' }]);
  });

  it('when auth throttles the request, then the shopper reads how long to wait', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/password-reset', { status: 429, body: { status: 429, title: 'Too many requests' }, headers: { 'retry-after': '60' } });
    renderAccountPages('/account/forgot-password', backend, null);
    type('Email', 'erika@example.com');
    fireEvent.click(await screen.findByRole('button', { name: 'Send the link' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Please wait 1 minute and try again.');
  });
});

describe('reset password', () => {
  it('when the page opens from the e-mailed link, then the token leaves the address bar, the new password is sent with it, and every session here ends', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/password-reset/confirm', { status: 204 });
    const { client } = renderAccountPages('/account/reset-password#token=reset-token-1', backend);
    await screen.findByRole('heading', { name: 'Choose a new password' });
    await waitFor(() => expect(location()).toBe('/account/reset-password'));
    type('New password', 'short');
    type('Repeat the new password', 'short');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Use at least 10 characters.')).toBeTruthy();
    expect(screen.getByLabelText('New password').getAttribute('aria-invalid')).toBe('true');
    type('New password', 'a brand new sentence');
    type('Repeat the new password', 'a brand new sentence!');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The passwords do not match.')).toBeTruthy();
    expect(posts(backend, '/api/auth/password-reset/confirm')).toHaveLength(0);
    type('Repeat the new password', 'a brand new sentence');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Your password has been changed. Sign in with the new one.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/account/sign-in');
    expect(posts(backend, '/api/auth/password-reset/confirm').map((request) => request.body)).toEqual([{ token: 'reset-token-1', password: 'a brand new sentence' }]);
    expect(client.user).toBeUndefined();
  });

  it('when the link is invalid, expired or used, then the page says so and links to a new one', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/password-reset/confirm', invalidToken);
    renderAccountPages('/account/reset-password#token=spent', backend, null);
    type('New password', 'a brand new sentence');
    type('Repeat the new password', 'a brand new sentence');
    fireEvent.click(await screen.findByRole('button', { name: 'Change password' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The reset link is invalid or has expired.');
    fireEvent.click(screen.getByRole('link', { name: 'Request a new link' }));
    expect(await screen.findByRole('heading', { name: 'Reset your password' })).toBeTruthy();
  });

  it('when auth refuses the password (a common one), then its reason is shown at the field', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/password-reset/confirm', {
      status: 400,
      body: { status: 400, title: 'Invalid request', errors: [{ field: 'body.password', message: 'This password is too common.' }] },
    });
    renderAccountPages('/account/reset-password#token=t', backend, null);
    type('New password', 'password1234');
    type('Repeat the new password', 'password1234');
    fireEvent.click(await screen.findByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('This password is too common.')).toBeTruthy();
    expect(screen.getByLabelText('New password').getAttribute('aria-invalid')).toBe('true');
  });

  it('when the page opens without a token, then it says the link is incomplete and offers a new one', async () => {
    renderAccountPages('/account/reset-password', new FakeBackend(), null);
    expect((await screen.findByRole('alert')).textContent).toMatch(/link is incomplete/);
    expect(screen.getByRole('link', { name: 'Request a new link' })).toBeTruthy();
    expect(screen.queryByLabelText('New password')).toBeNull();
  });
});

describe('verify e-mail', () => {
  it('when the page opens from the link while signed in, then it confirms once (also under StrictMode), removes the token, and the session\'s account is verified', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/email-verification/confirm', (request) => ({
      status: 200,
      body: { user: { ...harnessUser, roles: ['customer'], emailVerified: (request.body as { token: string }).token === 'verify-1' } },
    }));
    const { client } = renderWithApp(
      <StrictMode>
        <Routes>
          <Route path="/account/verify-email" element={<VerifyEmailPage />} />
        </Routes>
        <LocationProbe />
      </StrictMode>,
      { path: '/account/verify-email#token=verify-1', backend, user: { roles: ['customer'], emailVerified: false } },
    );
    expect(await screen.findByText('Thank you: admin@example.com is confirmed.')).toBeTruthy();
    expect(posts(backend, '/api/auth/email-verification/confirm').map((request) => request.body)).toEqual([{ token: 'verify-1' }]);
    expect(location()).toBe('/account/verify-email');
    expect(client.user?.emailVerified).toBe(true);
  });

  it('when the link is invalid and the account is unverified, then the page says so and offers to send a new link', async () => {
    const backend = new FakeBackend()
      .on('POST', '/api/auth/email-verification/confirm', invalidToken)
      .on('POST', '/api/auth/email-verification', { status: 202, body: { status: 'accepted' } });
    renderAccountPages('/account/verify-email#token=old', backend, { roles: ['customer'], emailVerified: false });
    expect((await screen.findByRole('alert')).textContent).toBe('The confirmation link is invalid or has expired.');
    fireEvent.click(screen.getByRole('button', { name: 'Send the link again' }));
    expect(await screen.findByText('We have sent a new link to admin@example.com.')).toBeTruthy();
  });

  it('when the link is invalid and nobody is signed in, then the page offers to sign in for a new link', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/email-verification/confirm', invalidToken);
    renderAccountPages('/account/verify-email#token=old', backend, null);
    expect(await screen.findByRole('link', { name: 'Sign in' })).toBeTruthy();
  });

  it('when auth cannot be reached, then the shopper can try again with the same link', async () => {
    const backend = new FakeBackend()
      .once('POST', '/api/auth/email-verification/confirm', { status: 503, body: { status: 503, title: 'Service unavailable' } })
      .on('POST', '/api/auth/email-verification/confirm', { status: 200, body: { user: { ...harnessUser, emailVerified: true } } });
    renderAccountPages('/account/verify-email#token=t2', backend, null);
    fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Thank you: admin@example.com is confirmed.')).toBeTruthy();
    expect(posts(backend, '/api/auth/email-verification/confirm').map((request) => request.body)).toEqual([{ token: 't2' }, { token: 't2' }]);
  });
});

describe('account area', () => {
  it('when the account is unverified, then a notice offers "Send the link again", sent with the bearer token', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/email-verification', { status: 202, body: { status: 'accepted' } });
    renderAccountPages('/account', backend, { roles: ['customer'], emailVerified: false });
    expect(await screen.findByRole('heading', { name: 'Please confirm your email address' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Send the link again' }));
    expect(await screen.findByText('We have sent a new link to admin@example.com.')).toBeTruthy();
    expect(posts(backend, '/api/auth/email-verification')[0].headers.authorization).toBe('Bearer token');
  });

  it('when the address was confirmed meanwhile (409), then the notice goes away with the account as auth has it', async () => {
    const backend = new FakeBackend()
      .on('POST', '/api/auth/email-verification', { status: 409, body: { status: 409, title: 'Conflict', detail: 'The e-mail address is already verified' } })
      .on('GET', '/api/auth/me', { status: 200, body: { user: { ...harnessUser, roles: ['customer'], emailVerified: true } } });
    renderAccountPages('/account', backend, { roles: ['customer'], emailVerified: false });
    fireEvent.click(await screen.findByRole('button', { name: 'Send the link again' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Please confirm your email address' })).toBeNull());
    expect(screen.getByText('(confirmed)')).toBeTruthy();
  });

  it('when the account is verified, then there is no notice', async () => {
    renderAccountPages('/account', new FakeBackend(), { roles: ['customer'] });
    expect(await screen.findByRole('heading', { name: 'Your account' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Send the link again' })).toBeNull();
  });

  it('when the shopper signs out everywhere, then revoke-all is sent, the tab is signed out and the sign-in page says so', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/sessions/revoke-all', { status: 204 });
    const { client } = renderAccountPages('/account', backend);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out everywhere' }));
    expect(await screen.findByText('You are signed out on every device.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(posts(backend, '/api/auth/sessions/revoke-all')[0].headers.authorization).toBe('Bearer token');
    expect(client.user).toBeUndefined();
  });

  it('when signing out everywhere fails, then the shopper reads why and stays signed in', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/sessions/revoke-all', { status: 503, body: { status: 503, title: 'Service unavailable' } });
    const { client } = renderAccountPages('/account', backend);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out everywhere' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/having trouble/);
    expect(client.user).toBeDefined();
  });
});

describe('account pages in German and Japanese', () => {
  it('when the language is de, then the account page, its e-mail notice and its button are German', async () => {
    renderAccountPages('/account', new FakeBackend(), { roles: ['customer'], emailVerified: false }, 'de');
    expect(await screen.findByRole('heading', { name: 'Ihr Konto' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Bitte bestätigen Sie Ihre E-Mail-Adresse' })).toBeTruthy();
    expect(screen.getByText('(noch nicht bestätigt)')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Überall abmelden' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Ihre Bestellungen' })).toBeTruthy();
  });

  it('when the language is de and a field is missing, then the sign-in form says so in German', async () => {
    renderAccountPages('/account/sign-in', new FakeBackend(), null, 'de');
    fireEvent.click(await screen.findByRole('button', { name: 'Anmelden' }));
    expect(await screen.findByText('Geben Sie Ihre E-Mail-Adresse ein.')).toBeTruthy();
    expect(screen.getByText('Geben Sie Ihr Passwort ein.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Passwort vergessen?' })).toBeTruthy();
  });

  it('when the language is de and auth throttles, then the wait is German while a server detail would stay as sent', async () => {
    const backend = new FakeBackend().on('POST', '/api/auth/password-reset', { status: 429, body: { status: 429, title: 'Too many requests' }, headers: { 'retry-after': '120' } });
    renderAccountPages('/account/forgot-password', backend, null, 'de');
    fireEvent.change(await screen.findByLabelText('E-Mail'), { target: { value: 'erika@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Link senden' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Zu viele Versuche. Bitte warten Sie 2 Minuten und versuchen Sie es dann noch einmal.');
  });

  it('when the language is de, then the order history has German headings, statuses and dates', async () => {
    const order = {
      id: '0f1e2d3c-0000-4000-8000-000000000001',
      userId: 'admin-1',
      status: 'shipped',
      lines: [{ productId: 'p1', sku: 'LAMP-1', name: 'Lamp', quantity: 2, unitPrice: { amount: 1999, currency: 'EUR' }, lineTotal: { amount: 3998, currency: 'EUR' } }],
      subtotal: { amount: 3998, currency: 'EUR' },
      shipping: { amount: 0, currency: 'EUR' },
      total: { amount: 3998, currency: 'EUR' },
      shippingAddress: { name: 'Erika', line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
      createdAt: '2030-03-04T10:00:00Z',
      updatedAt: '2030-03-04T10:00:00Z',
    };
    const backend = new FakeBackend().on('GET', '/api/orders?limit=20', { status: 200, body: { items: [order], nextCursor: null } });
    renderWithApp(<OrdersPage />, { path: '/account/orders', backend, roles: ['customer'], locale: 'de' });
    expect(await screen.findByRole('heading', { name: 'Ihre Bestellungen' })).toBeTruthy();
    expect(await screen.findByText('Versandt')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Aufgegeben' })).toBeTruthy();
    expect(screen.getByText(/04\.03\.2030/)).toBeTruthy();
    expect(screen.getByText('39,98 €')).toBeTruthy();
  });

  it('when the language is ja, then the sign-in page is Japanese', async () => {
    renderAccountPages('/account/sign-in', new FakeBackend(), null, 'ja');
    expect(await screen.findByRole('heading', { name: 'ログイン' })).toBeTruthy();
    expect(screen.getByLabelText('パスワード')).toBeTruthy();
  });
});
