import { Link } from 'react-router';
// The wire type is aliased: `CartView` is this file's component.
import type { CartLine, CartView as Cart } from '@shop/contracts';
import { cartLineIssueText } from '../lib/availability';
import { useI18n } from '../i18n/i18n-context';
import { createTranslator, type Translate } from '../i18n/translator';
import { Price, ProductImage } from '../ui/components';

const english = createTranslator('en');

export interface CartViewProps {
  cart: Cart;
  busyProductId?: string;
  onQuantityChange: (productId: string, quantity: number) => void;
  onRemove: (productId: string) => void;
}

/**
 * The cart's lines and totals exactly as the cart service computed them (prices come from catalog, never from
 * this page): a changed price, a re-pricing by a market change and a stock problem are flagged on their line.
 */
export function CartView({ cart, busyProductId, onQuantityChange, onRemove }: CartViewProps) {
  const { t } = useI18n();
  return (
    <div className="cart">
      <ul className="cart-lines" aria-label={t('shop.cartItems')}>
        {cart.lines.map((line) => (
          <CartLineRow key={line.productId} line={line} busy={busyProductId === line.productId} onQuantityChange={onQuantityChange} onRemove={onRemove} />
        ))}
      </ul>
      <CartTotals cart={cart} />
    </div>
  );
}

function CartLineRow({ line, busy, onQuantityChange, onRemove }: { line: CartLine; busy: boolean } & Pick<CartViewProps, 'onQuantityChange' | 'onRemove'>) {
  // The cart keeps a line whose product catalog no longer sells; it then has no name, SKU or stock figures.
  const { t, formatPrice } = useI18n();
  const issue = cartLineIssueText(line.availabilityIssue, line.availability?.available ?? 0, t, line.name !== null);
  const name = cartLineName(line, t);
  const quantityId = `quantity-${line.productId}`;
  return (
    <li className={`cart-line${issue ? ' has-issue' : ''}`} data-testid="cart-line">
      <ProductImage src={line.imageUrl} name={name} size="thumb" />
      <div className="cart-line-info">
        <Link to={`/products/${line.productId}`} className="cart-line-name">
          {name}
        </Link>
        {line.sku !== null && <p className="muted small">{t('shop.sku', { sku: line.sku })}</p>}
        {line.unitPrice && (
          <p className="small">
            {line.repricedFrom && (
              <>
                <s className="muted" aria-hidden="true">
                  {formatPrice(line.repricedFrom)}
                </s>{' '}
              </>
            )}
            {t('shop.each', { price: formatPrice(line.unitPrice) })}
          </p>
        )}
        {line.repricedFrom && (
          <p className="flag flag-info" role="note">
            {line.unitPrice ? t('shop.repriced', { was: formatPrice(line.repricedFrom), now: formatPrice(line.unitPrice) }) : t('shop.repricedWas', { was: formatPrice(line.repricedFrom) })}
          </p>
        )}
        {/* After a market change the re-pricing note says what happened; "changed since you added it" would compare two currencies. */}
        {line.priceChanged && line.unitPrice && !line.repricedFrom && (
          <p className="flag flag-info" role="note">
            {t('shop.priceChanged', { was: formatPrice(line.priceAtAdd), now: formatPrice(line.unitPrice) })}
          </p>
        )}
        {issue && (
          <p className="flag flag-warning" role="note">
            {issue}
          </p>
        )}
      </div>
      <div className="cart-line-actions">
        <label htmlFor={quantityId} className="visually-hidden">
          {t('shop.quantityOf', { name })}
        </label>
        <input
          id={quantityId}
          type="number"
          min={1}
          max={9999}
          inputMode="numeric"
          defaultValue={line.quantity}
          key={`${line.productId}-${line.quantity}`}
          disabled={busy}
          onBlur={(event) => {
            const text = event.target.value.trim();
            const quantity = Math.floor(Number(text));
            if (text !== '' && Number.isFinite(quantity) && quantity >= 0 && quantity !== line.quantity) onQuantityChange(line.productId, quantity);
            else event.target.value = String(line.quantity);
          }}
          onKeyDown={(event) => event.key === 'Enter' && event.currentTarget.blur()}
        />
        <button type="button" className="link-button" disabled={busy} onClick={() => onRemove(line.productId)} aria-label={t('shop.removeLabel', { name })}>
          {t('shop.remove')}
        </button>
      </div>
      <p className="cart-line-total">{line.lineTotal ? <Price money={line.lineTotal} /> : <span className="muted">—</span>}</p>
    </li>
  );
}

/** What a line is called: catalog's name, or a placeholder once catalog no longer has the product. */
export function cartLineName(line: Pick<CartLine, 'name'>, t: Translate = english): string {
  return line.name ?? t('shop.productNoLongerSold');
}

/** Item count and subtotal; taxes are included and shipping is free in this shop, so the subtotal is what is charged. */
export function CartTotals({ cart }: { cart: Cart }) {
  const { t, formatPrice, formatNumber } = useI18n();
  const currency = cart.subtotal.currency;
  return (
    <dl className="cart-totals" aria-label={t('shop.orderSummary')}>
      <div>
        <dt>{t('shop.items')}</dt>
        <dd data-testid="cart-item-count">{formatNumber(cart.itemCount)}</dd>
      </div>
      <div>
        <dt>{t('shop.shipping')}</dt>
        <dd>{t('shop.free')}</dd>
      </div>
      <div className="total">
        <dt>{t('shop.subtotal')}</dt>
        <dd data-testid="cart-subtotal">{currency ? formatPrice({ amount: cart.subtotal.amount, currency }) : '—'}</dd>
      </div>
    </dl>
  );
}
