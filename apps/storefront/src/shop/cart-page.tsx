import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { describeCartError } from './cart-errors';
import { CartView } from './cart-view';

export function CartPage() {
  const { shop, cart, setCart, user } = useApp();
  const { t } = useI18n();
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
        setError(describeApiError(caught, t));
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
      setError(describeCartError(caught, t));
    } finally {
      setBusyProductId(undefined);
    }
  };

  if (!loaded && !cart) return <Spinner label={t('shop.loadingCart')} />;
  return (
    <section className="cart-page">
      <PageHeading>{t('shop.yourCart')}</PageHeading>
      {error && <Alert>{error}</Alert>}
      {!cart || cart.lines.length === 0 ? (
        <p className="empty">
          {t('shop.cartEmpty')} <Link to="/">{t('shop.browseCatalog')}</Link>
        </p>
      ) : (
        <>
          {cart.mergedGuestCart && <Alert tone="info">{t('shop.mergedGuestCart')}</Alert>}
          <CartView
            cart={cart}
            busyProductId={busyProductId}
            onQuantityChange={(productId, quantity) => void change(productId, () => shop.setCartQuantity(productId, quantity))}
            onRemove={(productId) => void change(productId, () => shop.removeFromCart(productId))}
          />
          <div className="cart-actions">
            {cart.hasAvailabilityIssues && <p className="flag flag-warning">{t('shop.fixFlagged')}</p>}
            {user ? (
              <Link to="/checkout" className={`button primary${cart.hasAvailabilityIssues ? ' disabled' : ''}`} aria-disabled={cart.hasAvailabilityIssues || undefined} onClick={(event) => cart.hasAvailabilityIssues && event.preventDefault()}>
                {t('shop.proceedToCheckout')}
              </Link>
            ) : (
              <p>
                <Link to="/account/sign-in?next=/checkout" className="button primary">
                  {t('shop.signInToCheckOut')}
                </Link>{' '}
                <span className="muted">{t('shop.newHere')}</span>
              </p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
