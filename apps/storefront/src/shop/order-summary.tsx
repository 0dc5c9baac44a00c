import type { Order } from '@shop/contracts';
import { formatMoney } from '../lib/money';
import { PostalAddress } from '../ui/components';

/** Lines, total and shipping address of a placed order (confirmation and order detail). */
export function OrderSummary({ order }: { order: Order }) {
  return (
    <div className="order-summary">
      <table className="order-lines">
        <caption className="visually-hidden">Items</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="number">
              Quantity
            </th>
            <th scope="col" className="number">
              Price
            </th>
            <th scope="col" className="number">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.productId}>
              <td>{line.name}</td>
              <td className="number">{line.quantity}</td>
              <td className="number">{formatMoney(line.unitPrice)}</td>
              <td className="number">{formatMoney(line.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td className="number" data-testid="order-total">
              {formatMoney(order.total)}
            </td>
          </tr>
        </tfoot>
      </table>
      <h2>Shipping to</h2>
<PostalAddress address={order.shippingAddress} />
    </div>
  );
}
