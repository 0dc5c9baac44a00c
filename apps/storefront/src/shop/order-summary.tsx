import type { Order } from '@shop/contracts';
import { useI18n } from '../i18n/i18n-context';
import { PostalAddress } from '../ui/components';

/** Lines, total and shipping address of a placed order (confirmation and order detail). */
export function OrderSummary({ order }: { order: Order }) {
  const { t, formatPrice: formatMoney, formatNumber } = useI18n();
  return (
    <div className="order-summary">
      <table className="order-lines">
        <caption className="visually-hidden">{t('shop.items')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('shop.item')}</th>
            <th scope="col" className="number">
              {t('shop.quantity')}
            </th>
            <th scope="col" className="number">
              {t('shop.price')}
            </th>
            <th scope="col" className="number">
              {t('shop.total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.productId}>
              <td>{line.name}</td>
              <td className="number">{formatNumber(line.quantity)}</td>
              <td className="number">{formatMoney(line.unitPrice)}</td>
              <td className="number">{formatMoney(line.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              {t('shop.total')}
            </th>
            <td className="number" data-testid="order-total">
              {formatMoney(order.total)}
            </td>
          </tr>
        </tfoot>
      </table>
      <h2>{t('shop.shippingTo')}</h2>
<PostalAddress address={order.shippingAddress} />
    </div>
  );
}
