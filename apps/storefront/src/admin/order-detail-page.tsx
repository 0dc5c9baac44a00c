import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { OrderWithHistory } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { formatMoney } from '../lib/money';
import { Alert, PageHeading, PostalAddress, Spinner } from '../ui/components';
import { orderReference } from '../lib/order-status';
import { adminOrderStatusLabels, describePaymentMethod, nextFulfilmentStep } from './order-fulfilment';
import { formatUtcDateTime } from './utc-days';

/** One order as the admin fulfils it: lines, totals, address, payment, history, and the next fulfilment step. */
export function OrderDetailPage() {
  const { id = '' } = useParams();
  const { admin } = useApp();
  const [order, setOrder] = useState<OrderWithHistory>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [working, setWorking] = useState(false);

  useEffect(() => {
    let current = true;
    setOrder(undefined);
    setError(undefined);
    admin.order(id).then(
      (found) => current && setOrder(found),
      (caught: unknown) => current && setError(describeApiError(caught)),
    );
    return () => {
      current = false;
    };
  }, [admin, id]);

  if (!order) return error ? <Alert>{error}</Alert> : <Spinner label="Loading the order…" />;
  const step = nextFulfilmentStep(order.status);

  const fulfil = async () => {
    if (!step) return;
    setWorking(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await (step.action === 'ship' ? admin.shipOrder(id) : admin.deliverOrder(id));
      // Read it again for the history the transition added.
      setOrder(await admin.order(id));
      setNotice(step.action === 'ship' ? 'Marked as shipped.' : 'Marked as delivered.');
    } catch (caught) {
      setError(describeApiError(caught));
      // A 409 means the order moved on meanwhile: show where it is now.
      admin.order(id).then(setOrder, () => undefined);
    } finally {
      setWorking(false);
    }
  };

  return (
    <section className="admin-order">
      <p className="breadcrumb">
        <Link to="/admin/orders">Orders</Link>
      </p>
      <PageHeading>Order {orderReference(order.id)}</PageHeading>
      <p>
        Status:{' '}
        <span className={`status status-${order.status}`} data-testid="admin-order-status">
          {adminOrderStatusLabels[order.status]}
        </span>{' '}
        · placed <time dateTime={order.createdAt}>{formatUtcDateTime(order.createdAt)}</time> · customer <code>{order.userId}</code>
      </p>
      <p className="muted small">
        Order id <code>{order.id}</code>
        {order.failureReason && <> · reason: {order.failureReason}</>}
      </p>
      <div aria-live="polite">{notice && <Alert tone="success">{notice}</Alert>}</div>
      {error && <Alert>{error}</Alert>}
      {step && (
        <p>
          <button type="button" className="button primary" onClick={() => void fulfil()} disabled={working}>
            {working ? 'Saving…' : step.label}
          </button>
        </p>
      )}

      <h2>Lines</h2>
      <div className="table-scroll">
        <table className="data-table admin-table">
          <caption className="visually-hidden">Order lines</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">SKU</th>
              <th scope="col" className="number">
                Unit price
              </th>
              <th scope="col" className="number">
                Quantity
              </th>
              <th scope="col" className="number">
                Line total
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.productId}>
                <td>
                  <Link to={`/admin/products/${line.productId}`}>{line.name}</Link>
                </td>
                <td>
                  <code>{line.sku}</code>
                </td>
                <td className="number">{formatMoney(line.unitPrice)}</td>
                <td className="number">{line.quantity}</td>
                <td className="number">{formatMoney(line.lineTotal)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4} className="number">
                Subtotal
              </th>
              <td className="number">{formatMoney(order.subtotal)}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={4} className="number">
                Total
              </th>
              <td className="number">
                <strong>{formatMoney(order.total)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>

      <div className="admin-columns">
        <section aria-labelledby="shipping-heading">
          <h2 id="shipping-heading">Shipping address</h2>
<PostalAddress address={order.shippingAddress} showPhone />
        </section>
        <section aria-labelledby="payment-heading">
          <h2 id="payment-heading">Payment</h2>
          <p>{describePaymentMethod(order.paymentMethod)}</p>
          {order.paymentId && (
            <p className="muted small">
              Payment id <code>{order.paymentId}</code>
            </p>
          )}
        </section>
      </div>

      <h2>Status history</h2>
      {order.history.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table admin-table">
            <caption className="visually-hidden">Status history, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {order.history.map((change, index) => (
                <tr key={`${change.at}-${index}`}>
                  <td>
                    <time dateTime={change.at}>{formatUtcDateTime(change.at)}</time>
                  </td>
                  <td>{change.from ? adminOrderStatusLabels[change.from] : '–'}</td>
                  <td>{adminOrderStatusLabels[change.to]}</td>
                  <td>{change.reason ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No status changes recorded.</p>
      )}
    </section>
  );
}
