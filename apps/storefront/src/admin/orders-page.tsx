import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { OrderStatuses, type Order, type OrderStatus } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { useCursorPages } from '../lib/use-cursor-pages';
import { Alert, Field, LoadMoreButton, PageHeading, SelectField, Spinner } from '../ui/components';
import { orderFiltersFromParams, orderSearchFromFilters, paramsFromOrderFilters, type OrderFilters } from './list-filters';
import { itemCount, orderReference } from '../lib/order-status';
import { adminOrderStatusLabel, shortId } from './order-fulfilment';
import './admin-messages';
import { formatUtcDateTime } from './utc-days';

/** Every customer's orders, newest first, filtered by status and UTC days (kept in the URL), with "load more". */
export function OrdersPage() {
  const { admin } = useApp();
  const { t, locale, formatPrice, formatNumber } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => orderFiltersFromParams(params), [params]);
  const { search, errors } = useMemo(() => orderSearchFromFilters(filters, t), [filters, t]);
  const searchKey = JSON.stringify(search ?? null);
  const { items: orders, nextCursor, error, loadingMore, loadMore } = useCursorPages<Order>((cursor) => admin.orders({ ...search, cursor }), search ? searchKey : undefined);

  const update = (changes: Partial<OrderFilters>) => setParams(paramsFromOrderFilters({ ...filters, ...changes }));

  return (
    <section>
      <PageHeading>{t('admin.orders')}</PageHeading>
      <form className="admin-filters" onSubmit={(event) => event.preventDefault()} aria-label={t('admin.filterOrders')}>
        <SelectField label={t('admin.status')} value={filters.status} onChange={(event) => update({ status: event.target.value as OrderStatus | '' })}>
          <option value="">{t('admin.allStatuses')}</option>
          {OrderStatuses.map((status) => (
            <option key={status} value={status}>
              {adminOrderStatusLabel(status, t)}
            </option>
          ))}
        </SelectField>
        <Field label={t('admin.from')} type="date" value={filters.from} hint={t('admin.utcDayIncluded')} onChange={(event) => update({ from: event.target.value })} />
        <Field label={t('admin.to')} type="date" value={filters.to} hint={t('admin.utcDayIncluded')} error={errors.to} onChange={(event) => update({ to: event.target.value })} />
      </form>
      {error && <Alert>{error}</Alert>}
      {!search ? null : !orders ? (
        !error && <Spinner label={t('admin.loadingOrders')} />
      ) : orders.length === 0 ? (
        <p className="empty">{t('admin.noOrders')}</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table admin-table">
              <caption className="visually-hidden">{t('admin.ordersCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.order')}</th>
                  <th scope="col">{t('admin.placed')}</th>
                  <th scope="col">{t('admin.customer')}</th>
                  <th scope="col" className="number">
                    {t('admin.items')}
                  </th>
                  <th scope="col" className="number">
                    {t('admin.total')}
                  </th>
                  <th scope="col">{t('admin.status')}</th>
                </tr>
              </thead>
              <tbody>
                {orders.map((order) => (
                  <tr key={order.id} data-testid="admin-order-row">
                    <td>
                      <Link to={`/admin/orders/${order.id}`} aria-label={t('admin.orderLabel', { reference: orderReference(order.id) })}>
                        <code>{orderReference(order.id)}</code>
                      </Link>
                    </td>
                    <td>
                      <time dateTime={order.createdAt}>{formatUtcDateTime(order.createdAt, locale)}</time>
                    </td>
                    <td>
                      <code title={order.userId}>{shortId(order.userId)}</code>
                    </td>
                    <td className="number">{formatNumber(itemCount(order))}</td>
                    <td className="number">{formatPrice(order.total)}</td>
                    <td>
                      <span className={`status status-${order.status}`}>{adminOrderStatusLabel(order.status, t)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMoreButton nextCursor={nextCursor} loading={loadingMore} onClick={() => void loadMore()} />
        </>
      )}
    </section>
  );
}
