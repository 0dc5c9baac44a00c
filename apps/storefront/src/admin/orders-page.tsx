import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { Order, OrderStatus } from '../api/types';
import { useApp } from '../app/app-context';
import { formatMoney } from '../lib/money';
import { Alert, Field, PageHeading, SelectField, Spinner } from '../ui/components';
import { orderFiltersFromParams, orderSearchFromFilters, orderStatuses, paramsFromOrderFilters, type OrderFilters } from './list-filters';
import { adminOrderStatusLabels, itemCount, shortId } from './order-fulfilment';
import { formatUtcDateTime } from './utc-days';

/** Every customer's orders, newest first, filtered by status and UTC days (kept in the URL), with "load more". */
export function OrdersPage() {
  const { admin } = useApp();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => orderFiltersFromParams(params), [params]);
  const { search, errors } = useMemo(() => orderSearchFromFilters(filters), [filters]);
  const searchKey = JSON.stringify(search ?? null);
  const [orders, setOrders] = useState<Order[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string>();

  const update = (changes: Partial<OrderFilters>) => setParams(paramsFromOrderFilters({ ...filters, ...changes }));

  useEffect(() => {
    if (!search) return undefined;
    let current = true;
    setOrders(undefined);
    setError(undefined);
    admin.orders(search).then(
      (page) => {
        if (!current) return;
        setOrders(page.items);
        setNextCursor(page.nextCursor);
      },
      (caught: unknown) => current && setError(describeApiError(caught)),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [admin, searchKey]);

  const loadMore = async () => {
    if (!nextCursor || !search) return;
    setLoadingMore(true);
    try {
      const page = await admin.orders({ ...search, cursor: nextCursor });
      setOrders((shown) => [...(shown ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (caught) {
      setError(describeApiError(caught));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section>
      <PageHeading>Orders</PageHeading>
      <form className="admin-filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter orders">
        <SelectField label="Status" value={filters.status} onChange={(event) => update({ status: event.target.value as OrderStatus | '' })}>
          <option value="">All statuses</option>
          {orderStatuses.map((status) => (
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
                      <Link to={`/admin/orders/${order.id}`} aria-label={`Order ${shortId(order.id)}`}>
                        <code>{shortId(order.id)}</code>
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
          {nextCursor && (
            <button type="button" className="button load-more" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
