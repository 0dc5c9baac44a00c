import { Link } from 'react-router';
import type { Order } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { itemCount, orderReference, orderStatusLabel } from '../lib/order-status';
import { useCursorPages } from '../lib/use-cursor-pages';
import { Alert, LoadMoreButton, PageHeading, Spinner } from '../ui/components';
import { EmailVerificationNotice } from './email-verification-notice';
import './account-messages';

const dateTimeStyle: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/** The shopper's order history, newest first, with "load more" on the cursor. */
export function OrdersPage() {
  const { shop } = useApp();
  const { t, formatDate, formatPrice } = useI18n();
  const dateFormat = { format: (date: Date) => formatDate(date, dateTimeStyle) };
  const { items: orders, nextCursor, error, loadingMore, loadMore } = useCursorPages<Order>((cursor) => shop.myOrders(cursor), 'mine');

  return (
    <section>
      <PageHeading>{t('account.yourOrders')}</PageHeading>
      <EmailVerificationNotice />
      {error && <Alert>{error}</Alert>}
      {!orders && !error ? (
        <Spinner label={t('account.loadingOrders')} />
      ) : orders && orders.length === 0 ? (
        <p className="empty">
          {t('account.noOrders')} <Link to="/">{t('account.startShopping')}</Link>
        </p>
      ) : (
        orders && (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">{t('account.yourOrders')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('account.columnOrder')}</th>
                  <th scope="col">{t('account.columnPlaced')}</th>
                  <th scope="col">{t('account.columnItems')}</th>
                  <th scope="col" className="number">
                    {t('account.columnTotal')}
                  </th>
                  <th scope="col">{t('account.columnStatus')}</th>
                </tr>
              </thead>
              <tbody>
                {orders.map((order) => (
                  <tr key={order.id} data-testid="order-row">
                    <td>
                      <Link to={`/account/orders/${order.id}`}>{orderReference(order.id)}</Link>
                    </td>
                    <td>{dateFormat.format(new Date(order.createdAt))}</td>
                    <td>{itemCount(order)}</td>
                    <td className="number">{formatPrice(order.total)}</td>
                    <td>
                      <span className={`status status-${order.status}`}>{orderStatusLabel(order.status, t)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
      <LoadMoreButton nextCursor={nextCursor} loading={loadingMore} onClick={() => void loadMore()} />
    </section>
  );
}
