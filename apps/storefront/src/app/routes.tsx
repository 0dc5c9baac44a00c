import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useApp } from './app-context';
import { Layout } from './layout';
import { CatalogPage } from '../shop/catalog-page';
import { ProductPage } from '../shop/product-page';
import { CartPage } from '../shop/cart-page';
import { ConfirmationPage } from '../shop/confirmation-page';
import { useI18n } from '../i18n/i18n-context';
import { Spinner } from '../ui/components';

// The back office is its own chunk: shoppers never download it.
const AdminApp = lazy(() => import('../admin/admin-app'));
// The forms that check their input with the services' own schemas (zod and the contracts) load when first opened, so
// the first page of the shop stays free of them.
const CheckoutPage = lazy(() => import('../shop/checkout-page').then((module) => ({ default: module.CheckoutPage })));
const RegisterPage = lazy(() => import('../account/register-page').then((module) => ({ default: module.RegisterPage })));
// Pages a shopper opens now and then (mostly from an e-mail), and every account page: chunks of their own too, which
// keeps the account messages (`account.*` in every language) off the first page.
const SignInPage = lazy(() => import('../account/sign-in-page').then((module) => ({ default: module.SignInPage })));
const OrdersPage = lazy(() => import('../account/orders-page').then((module) => ({ default: module.OrdersPage })));
const OrderDetailPage = lazy(() => import('../account/order-detail-page').then((module) => ({ default: module.OrderDetailPage })));
const AccountPage = lazy(() => import('../account/account-page').then((module) => ({ default: module.AccountPage })));
const ForgotPasswordPage = lazy(() => import('../account/forgot-password-page').then((module) => ({ default: module.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => import('../account/reset-password-page').then((module) => ({ default: module.ResetPasswordPage })));
const VerifyEmailPage = lazy(() => import('../account/verify-email-page').then((module) => ({ default: module.VerifyEmailPage })));

/** Sends a signed-out visitor to sign in, coming back here afterwards (once the session cookie has been read). */
export function RequireUser({ children }: { children: ReactNode }) {
  const { user, sessionRestored } = useApp();
  const location = useLocation();
  if (!user && !sessionRestored) return <Spinner />;
  if (!user) return <Navigate to={`/account/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<CatalogPage />} />
        <Route path="products/:ref" element={<ProductPage />} />
        <Route path="cart" element={<CartPage />} />
        <Route
          path="checkout"
          element={
            <RequireUser>
              <Suspense fallback={<Spinner />}>
                <CheckoutPage />
              </Suspense>
            </RequireUser>
          }
        />
        <Route
          path="orders/:id/confirmation"
          element={
            <RequireUser>
              <ConfirmationPage />
            </RequireUser>
          }
        />
        <Route path="account/sign-in" element={<Lazy page={<SignInPage />} />} />
        <Route
          path="account"
          element={
            <RequireUser>
              <Suspense fallback={<Spinner />}>
                <AccountPage />
              </Suspense>
            </RequireUser>
          }
        />
        <Route path="account/forgot-password" element={<Lazy page={<ForgotPasswordPage />} />} />
        <Route path="account/reset-password" element={<Lazy page={<ResetPasswordPage />} />} />
        <Route path="account/verify-email" element={<Lazy page={<VerifyEmailPage />} />} />
        <Route
          path="account/register"
          element={
            <Suspense fallback={<Spinner />}>
              <RegisterPage />
            </Suspense>
          }
        />
        <Route
          path="account/orders"
          element={
            <RequireUser>
              <Lazy page={<OrdersPage />} />
            </RequireUser>
          }
        />
        <Route
          path="account/orders/:id"
          element={
            <RequireUser>
              <Lazy page={<OrderDetailPage />} />
            </RequireUser>
          }
        />
        <Route
          path="admin/*"
          element={
            <RequireUser>
              <Suspense fallback={<Spinner />}>
                <AdminApp />
              </Suspense>
            </RequireUser>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** A lazily loaded page, with the spinner while its chunk loads. */
function Lazy({ page }: { page: ReactNode }) {
  return <Suspense fallback={<Spinner />}>{page}</Suspense>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('layout.pageNotFound')}</h1>
      <p>
        <a href="/">{t('layout.backToCatalog')}</a>
      </p>
    </section>
  );
}
