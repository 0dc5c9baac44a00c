import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { Order } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { isOrderInProgress, orderReference, orderStatusLabel } from '../lib/order-status';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { OrderSummary } from './order-summary';

const pollIntervalMs = 1000;
const pollForMs = 60_000;

/** After "Place order": the order as placed; while the checkout still runs (a slow payment) it polls. */
export function ConfirmationPage() {
  const { id = '' } = useParams();
  const { shop, reloadCart } = useApp();
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
        if (!stopped) setError(describeApiError(caught));
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [shop, id, reloadCart]);

  if (error) return <Alert>{error}</Alert>;
  if (!order) return <Spinner label="Loading your order…" />;
  const reference = orderReference(order.id);
  return (
    <section className="confirmation-page">
      {order.status === 'confirmed' || order.status === 'shipped' || order.status === 'delivered' ? (
        <>
          <PageHeading>Thank you for your order!</PageHeading>
          <Alert tone="success">
            Order <strong>{reference}</strong> is confirmed. We will let you know when it ships.
          </Alert>
        </>
      ) : isOrderInProgress(order.status) ? (
        <>
          <PageHeading>We are processing your order</PageHeading>
          <Alert tone="info">Order {reference} is being processed. This page updates by itself; you will not be charged twice.</Alert>
        </>
      ) : (
        <>
          <PageHeading>Your order did not go through</PageHeading>
          <Alert>
            Order {reference}: {orderStatusLabel(order.status)}. Nothing was charged and your cart is kept. <Link to="/cart">Back to your cart</Link>
          </Alert>
        </>
      )}
      <OrderSummary order={order} />
      <p>
        <Link to="/account/orders">See all your orders</Link> · <Link to="/">Continue shopping</Link>
      </p>
    </section>
  );
}
