import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { OrderWithHistory } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { isCancellableByShopper, orderReference, orderStatusLabel } from '../lib/order-status';
import { OrderSummary } from '../shop/order-summary';
import { Alert, PageHeading, Spinner } from '../ui/components';
import './account-messages';

const dateTimeStyle: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const { shop } = useApp();
  const { t, formatDate } = useI18n();
  const dateFormat = { format: (date: Date) => formatDate(date, dateTimeStyle) };
  const [order, setOrder] = useState<OrderWithHistory>();
  const [error, setError] = useState<string>();
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    shop.order(id).then(setOrder, (caught: unknown) => setError(describeApiError(caught, t)));
  }, [shop, id]);

  const cancel = async () => {
    if (!window.confirm(t('account.confirmCancel'))) return;
    setCancelling(true);
    setError(undefined);
    try {
      await shop.cancelOrder(id);
      setOrder(await shop.order(id));
    } catch (caught) {
      setError(describeApiError(caught, t));
    } finally {
      setCancelling(false);
    }
  };

  if (!order) return error ? <Alert>{error}</Alert> : <Spinner label={t('account.loadingOrder')} />;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/account/orders">{t('account.yourOrders')}</Link>
      </p>
      <PageHeading>{t('account.orderHeading', { reference: orderReference(order.id) })}</PageHeading>
      <p>
        {t('account.statusLabel')}{' '}
        <span className={`status status-${order.status}`} data-testid="order-status">
          {orderStatusLabel(order.status, t)}
        </span>{' '}
        · {t('account.placedOn', { date: dateFormat.format(new Date(order.createdAt)) })}
      </p>
      {error && <Alert>{error}</Alert>}
      <OrderSummary order={order} />
      {order.history.length > 0 && (
        <>
          <h2>{t('account.history')}</h2>
          <ol className="history">
            {order.history.map((change) => (
              <li key={`${change.at}-${change.to}`}>
                <time dateTime={change.at}>{dateFormat.format(new Date(change.at))}</time>: {orderStatusLabel(change.to, t)}
              </li>
            ))}
          </ol>
        </>
      )}
      {isCancellableByShopper(order.status) && (
        <button type="button" className="button secondary" onClick={() => void cancel()} disabled={cancelling}>
          {cancelling ? t('account.cancelling') : t('account.cancelOrder')}
        </button>
      )}
    </section>
  );
}
