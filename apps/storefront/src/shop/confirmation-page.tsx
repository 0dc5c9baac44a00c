import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { Order } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { isOrderInProgress, orderReference, orderStatusLabel } from '../lib/order-status';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { OrderSummary } from './order-summary';

const pollIntervalMs = 1000;
const pollForMs = 60_000;

/** After "Place order": the order as placed; while the checkout still runs (a slow payment) it polls. */
export function ConfirmationPage() {
  const { id = '' } = useParams();
  const { shop, reloadCart } = useApp();
  const { t } = useI18n();
  const [order, setOrder] = useState<Order>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startedAt = Date.now();
    const load = async () => {
      try {
        const current = await shop.order(id);
        if (stopped) return;
        setOrder(current);
        if (isOrderInProgress(current.status) && Date.now() - startedAt < pollForMs) timer = setTimeout(() => void load(), pollIntervalMs);
        else void reloadCart();
      } catch (caught) {
        if (!stopped) setError(describeApiError(caught, t));
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [shop, id, reloadCart]);

  if (error) return <Alert>{error}</Alert>;
  if (!order) return <Spinner label={t('shop.loadingOrder')} />;
  const reference = orderReference(order.id);
  // The reference is set in bold wherever the translation puts it.
  const [confirmedBefore, confirmedAfter = ''] = t('shop.orderConfirmed', { reference: '\u0000' }).split('\u0000');
  return (
    <section className="confirmation-page">
      {order.status === 'confirmed' || order.status === 'shipped' || order.status === 'delivered' ? (
        <>
          <PageHeading>{t('shop.thankYou')}</PageHeading>
          <Alert tone="success">
            {confirmedBefore}
            <strong>{reference}</strong>
            {confirmedAfter}
          </Alert>
        </>
      ) : isOrderInProgress(order.status) ? (
        <>
          <PageHeading>{t('shop.processingHeading')}</PageHeading>
          <Alert tone="info">{t('shop.processing', { reference })}</Alert>
        </>
      ) : (
        <>
          <PageHeading>{t('shop.failedHeading')}</PageHeading>
          <Alert>
            {t('shop.failed', { reference, status: orderStatusLabel(order.status, t) })} <Link to="/cart">{t('shop.backToCart')}</Link>
          </Alert>
        </>
      )}
      <OrderSummary order={order} />
      <p>
        <Link to="/account/orders">{t('shop.allOrders')}</Link> · <Link to="/">{t('shop.continueShopping')}</Link>
      </p>
    </section>
  );
}
