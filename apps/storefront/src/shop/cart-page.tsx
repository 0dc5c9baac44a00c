import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { describeCartError } from './cart-errors';
import { CartView } from './cart-view';

export function CartPage() {
  const { shop, cart, setCart, user } = useApp();
  const [error, setError] = useState<string>();
  const [busyProductId, setBusyProductId] = useState<string>();
  const [loaded, setLoaded] = useState(false);

  // Always show fresh prices and stock when the page opens.
  useEffect(() => {
    shop.cart().then(
      (fresh) => {
        setCart(fresh);
        setLoaded(true);
      },
      (caught: unknown) => {
        setError(describeApiError(caught));
        setLoaded(true);
      },
    );
  }, [shop, setCart]);

  const change = async (productId: string, action: () => Promise<typeof cart>) => {
    setBusyProductId(productId);
    setError(undefined);
    try {
      const next = await action();
      if (next) setCart(next);
    } catch (caught) {
      setError(describeCartError(caught));
    } finally {
      setBusyProductId(undefined);
    }
  };

  if (!loaded && !cart) return <Spinner label="Loading your cart…" />;
  return (
    <section className="cart-page">
      <PageHeading>Your cart</PageHeading>
      {error && <Alert>{error}</Alert>}
      {!cart || cart.lines.length === 0 ? (
        <p className="empty">
          Your cart is empty. <Link to="/">Browse the catalog</Link>
        </p>
      ) : (
        <>
          {cart.mergedGuestCart && <Alert tone="info">We added the items you picked before signing in.</Alert>}
          <CartView
            cart={cart}
            busyProductId={busyProductId}
            onQuantityChange={(productId, quantity) => void change(productId, () => shop.setCartQuantity(productId, quantity))}
            onRemove={(productId) => void change(productId, () => shop.removeFromCart(productId))}
          />
          <div className="cart-actions">
            {cart.hasAvailabilityIssues && <p className="flag flag-warning">Fix the flagged items to check out.</p>}
            {user ? (
              <Link to="/checkout" className={`button primary${cart.hasAvailabilityIssues ? ' disabled' : ''}`} aria-disabled={cart.hasAvailabilityIssues || undefined} onClick={(event) => cart.hasAvailabilityIssues && event.preventDefault()}>
                Proceed to checkout
              </Link>
            ) : (
              <p>
                <Link to="/account/sign-in?next=/checkout" className="button primary">
                  Sign in to check out
                </Link>{' '}
                <span className="muted">New here? You can create an account on the next page; your cart is kept.</span>
              </p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
