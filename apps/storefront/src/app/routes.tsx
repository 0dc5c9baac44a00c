import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useApp } from './app-context';
import { Layout } from './layout';
import { CatalogPage } from '../shop/catalog-page';
import { ProductPage } from '../shop/product-page';
import { CartPage } from '../shop/cart-page';
import { ConfirmationPage } from '../shop/confirmation-page';
import { SignInPage } from '../account/sign-in-page';
import { OrdersPage } from '../account/orders-page';
import { OrderDetailPage } from '../account/order-detail-page';
import { Spinner } from '../ui/components';

// The back office is its own chunk: shoppers never download it.
const AdminApp = lazy(() => import('../admin/admin-app'));
// The forms that check their input with the services' own schemas (zod and the contracts) load when first opened, so
// the first page of the shop stays free of them.
const CheckoutPage = lazy(() => import('../shop/checkout-page').then((module) => ({ default: module.CheckoutPage })));
const RegisterPage = lazy(() => import('../account/register-page').then((module) => ({ default: module.RegisterPage })));

/** Sends a signed-out visitor to sign in, coming back here afterwards. */
export function RequireUser({ children }: { children: ReactNode }) {
  const { user } = useApp();
  const location = useLocation();
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
        <Route path="account/sign-in" element={<SignInPage />} />
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
              <OrdersPage />
            </RequireUser>
          }
        />
        <Route
          path="account/orders/:id"
          element={
            <RequireUser>
              <OrderDetailPage />
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

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to the catalog</a>
      </p>
    </section>
  );
}
