import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { describeApiError } from '../api/api-error';
import type { Order } from '../api/types';
import { useApp } from '../app/app-context';
import { formatMoney } from '../lib/money';
import { orderReference, orderStatusLabel } from '../lib/order-status';
import { Alert, PageHeading, Spinner } from '../ui/components';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The shopper's order history, newest first, with "load more" on the cursor. */
export function OrdersPage() {
  const { shop } = useApp();
  const [orders, setOrders] = useState<Order[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  const load = async (cursor?: string) => {
    try {
      const page = await shop.myOrders(cursor);
      setOrders((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
      setNextCursor(page.nextCursor);
    } catch (caught) {
      setError(describeApiError(caught));
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shop]);

  return (
    <section>
      <PageHeading>Your orders</PageHeading>
      {error && <Alert>{error}</Alert>}
      {!orders && !error ? (
        <Spinner label="Loading your orders…" />
      ) : orders && orders.length === 0 ? (
        <p className="empty">
          No orders yet. <Link to="/">Start shopping</Link>
        </p>
      ) : (
        orders && (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">Your orders</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Items</th>
                  <th scope="col" className="number">
                    Total
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {orders.map((order) => (
                  <tr key={order.id} data-testid="order-row">
                    <td>
                      <Link to={`/account/orders/${order.id}`}>{orderReference(order.id)}</Link>
                    </td>
                    <td>{dateFormat.format(new Date(order.createdAt))}</td>
                    <td>{order.lines.reduce((sum, line) => sum + line.quantity, 0)}</td>
                    <td className="number">{formatMoney(order.total)}</td>
                    <td>
                      <span className={`status status-${order.status}`}>{orderStatusLabel(order.status)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
      {nextCursor && (
        <button type="button" className="button secondary" onClick={() => load(nextCursor)}>
          Load more
        </button>
      )}
    </section>
  );
}
