import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { OrderStatuses, type Order, type OrderStatus } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { formatMoney } from '../lib/money';
import { useCursorPages } from '../lib/use-cursor-pages';
import { Alert, Field, LoadMoreButton, PageHeading, SelectField, Spinner } from '../ui/components';
import { orderFiltersFromParams, orderSearchFromFilters, paramsFromOrderFilters, type OrderFilters } from './list-filters';
import { itemCount, orderReference } from '../lib/order-status';
import { adminOrderStatusLabels, shortId } from './order-fulfilment';
import { formatUtcDateTime } from './utc-days';

/** Every customer's orders, newest first, filtered by status and UTC days (kept in the URL), with "load more". */
export function OrdersPage() {
  const { admin } = useApp();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => orderFiltersFromParams(params), [params]);
  const { search, errors } = useMemo(() => orderSearchFromFilters(filters), [filters]);
  const searchKey = JSON.stringify(search ?? null);
  const { items: orders, nextCursor, error, loadingMore, loadMore } = useCursorPages<Order>((cursor) => admin.orders({ ...search, cursor }), search ? searchKey : undefined);

  const update = (changes: Partial<OrderFilters>) => setParams(paramsFromOrderFilters({ ...filters, ...changes }));

  return (
    <section>
      <PageHeading>Orders</PageHeading>
      <form className="admin-filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter orders">
        <SelectField label="Status" value={filters.status} onChange={(event) => update({ status: event.target.value as OrderStatus | '' })}>
          <option value="">All statuses</option>
          {OrderStatuses.map((status) => (
            <option key={status} value={status}>
              {adminOrderStatusLabels[status]}
            </option>
          ))}
        </SelectField>
        <Field label="From" type="date" value={filters.from} hint="UTC day, included." onChange={(event) => update({ from: event.target.value })} />
        <Field label="To" type="date" value={filters.to} hint="UTC day, included." error={errors.to} onChange={(event) => update({ to: event.target.value })} />
      </form>
      {error && <Alert>{error}</Alert>}
      {!search ? null : !orders ? (
        !error && <Spinner label="Loading orders…" />
      ) : orders.length === 0 ? (
        <p className="empty">No orders match these filters.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table admin-table">
              <caption className="visually-hidden">Orders, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Customer</th>
                  <th scope="col" className="number">
                    Items
                  </th>
                  <th scope="col" className="number">
                    Total
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {orders.map((order) => (
                  <tr key={order.id} data-testid="admin-order-row">
                    <td>
                      <Link to={`/admin/orders/${order.id}`} aria-label={`Order ${orderReference(order.id)}`}>
                        <code>{orderReference(order.id)}</code>
                      </Link>
                    </td>
                    <td>
                      <time dateTime={order.createdAt}>{formatUtcDateTime(order.createdAt)}</time>
                    </td>
                    <td>
                      <code title={order.userId}>{shortId(order.userId)}</code>
                    </td>
                    <td className="number">{itemCount(order)}</td>
                    <td className="number">{formatMoney(order.total)}</td>
                    <td>
                      <span className={`status status-${order.status}`}>{adminOrderStatusLabels[order.status]}</span>
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
