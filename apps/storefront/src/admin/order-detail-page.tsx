import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { OrderWithHistory } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { Alert, PageHeading, PostalAddress, Spinner } from '../ui/components';
import { orderReference } from '../lib/order-status';
import { adminOrderStatusLabel, describePaymentMethod, nextFulfilmentStep } from './order-fulfilment';
import { withElements } from '../i18n/message-elements';
import './admin-messages';
import { formatUtcDateTime } from './utc-days';

/** One order as the admin fulfils it: lines, totals, address, payment, history, and the next fulfilment step. */
export function OrderDetailPage() {
  const { id = '' } = useParams();
  const { admin } = useApp();
  const { t, locale, formatPrice, formatNumber } = useI18n();
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
      (caught: unknown) => current && setError(describeApiError(caught, t)),
    );
    return () => {
      current = false;
    };
  }, [admin, id]);

  if (!order) return error ? <Alert>{error}</Alert> : <Spinner label={t('admin.loadingOrder')} />;
  const step = nextFulfilmentStep(order.status, t);

  const fulfil = async () => {
    if (!step) return;
    setWorking(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await (step.action === 'ship' ? admin.shipOrder(id) : admin.deliverOrder(id));
      // Read it again for the history the transition added.
      setOrder(await admin.order(id));
      setNotice(step.action === 'ship' ? t('admin.markedShipped') : t('admin.markedDelivered'));
    } catch (caught) {
      setError(describeApiError(caught, t));
      // A 409 means the order moved on meanwhile: show where it is now.
      admin.order(id).then(setOrder, () => undefined);
    } finally {
      setWorking(false);
    }
  };

  return (
    <section className="admin-order">
      <p className="breadcrumb">
        <Link to="/admin/orders">{t('admin.orders')}</Link>
      </p>
      <PageHeading>{t('admin.orderHeading', { reference: orderReference(order.id) })}</PageHeading>
      <p>
        {t('admin.statusLabel')}{' '}
        <span className={`status status-${order.status}`} data-testid="admin-order-status">
          {adminOrderStatusLabel(order.status, t)}
        </span>{' '}
        · {withElements(t('admin.placedAt'), { date: <time dateTime={order.createdAt}>{formatUtcDateTime(order.createdAt, locale)}</time> })} · {t('admin.customerLabel')} <code>{order.userId}</code>
      </p>
      <p className="muted small">
        {t('admin.orderId')} <code>{order.id}</code>
        {order.failureReason && <> · {t('admin.failureReason', { reason: order.failureReason })}</>}
      </p>
      <div aria-live="polite">{notice && <Alert tone="success">{notice}</Alert>}</div>
      {error && <Alert>{error}</Alert>}
      {step && (
        <p>
          <button type="button" className="button primary" onClick={() => void fulfil()} disabled={working}>
            {working ? t('admin.saving') : step.label}
          </button>
        </p>
      )}

      <h2>{t('admin.lines')}</h2>
      <div className="table-scroll">
        <table className="data-table admin-table">
          <caption className="visually-hidden">{t('admin.orderLines')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.product')}</th>
              <th scope="col">{t('admin.sku')}</th>
              <th scope="col" className="number">
                {t('admin.unitPrice')}
              </th>
              <th scope="col" className="number">
                {t('admin.quantity')}
              </th>
              <th scope="col" className="number">
                {t('admin.lineTotal')}
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
                <td className="number">{formatPrice(line.unitPrice)}</td>
                <td className="number">{formatNumber(line.quantity)}</td>
                <td className="number">{formatPrice(line.lineTotal)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4} className="number">
                {t('admin.subtotal')}
              </th>
              <td className="number">{formatPrice(order.subtotal)}</td>
            </tr>
            <tr>
              <th scope="row" colSpan={4} className="number">
                {t('admin.total')}
              </th>
              <td className="number">
                <strong>{formatPrice(order.total)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>

      <div className="admin-columns">
        <section aria-labelledby="shipping-heading">
          <h2 id="shipping-heading">{t('admin.shippingAddress')}</h2>
<PostalAddress address={order.shippingAddress} showPhone />
        </section>
        <section aria-labelledby="payment-heading">
          <h2 id="payment-heading">{t('admin.payment')}</h2>
          <p>{describePaymentMethod(order.paymentMethod, t)}</p>
          {order.paymentId && (
            <p className="muted small">
              {t('admin.paymentId')} <code>{order.paymentId}</code>
            </p>
          )}
        </section>
      </div>

      <h2>{t('admin.statusHistory')}</h2>
      {order.history.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table admin-table">
            <caption className="visually-hidden">{t('admin.statusHistoryCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.at')}</th>
                <th scope="col">{t('admin.from')}</th>
                <th scope="col">{t('admin.to')}</th>
                <th scope="col">{t('admin.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {order.history.map((change, index) => (
                <tr key={`${change.at}-${index}`}>
                  <td>
                    <time dateTime={change.at}>{formatUtcDateTime(change.at, locale)}</time>
                  </td>
                  <td>{change.from ? adminOrderStatusLabel(change.from, t) : '–'}</td>
                  <td>{adminOrderStatusLabel(change.to, t)}</td>
                  <td>{change.reason ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('admin.noStatusChanges')}</p>
      )}
    </section>
  );
}
