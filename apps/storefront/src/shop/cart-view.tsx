import { Link } from 'react-router';
// The wire type is aliased: `CartView` is this file's component.
import type { CartLine, CartView as Cart } from '@shop/contracts';
import { cartLineIssueText } from '../lib/availability';
import { formatMoney } from '../lib/money';
import { Price, ProductImage } from '../ui/components';

export interface CartViewProps {
  cart: Cart;
  busyProductId?: string;
  onQuantityChange: (productId: string, quantity: number) => void;
  onRemove: (productId: string) => void;
}

/**
 * The cart's lines and totals exactly as the cart service computed them (prices come from catalog, never from
 * this page): a changed price and a stock problem are flagged on their line.
 */
export function CartView({ cart, busyProductId, onQuantityChange, onRemove }: CartViewProps) {
  return (
    <div className="cart">
      <ul className="cart-lines" aria-label="Items in your cart">
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
  const issue = cartLineIssueText(line.availabilityIssue, line.availability?.available ?? 0);
  const name = cartLineName(line);
  const quantityId = `quantity-${line.productId}`;
  return (
    <li className={`cart-line${issue ? ' has-issue' : ''}`} data-testid="cart-line">
      <ProductImage src={line.imageUrl} name={name} size="thumb" />
      <div className="cart-line-info">
        <Link to={`/products/${line.productId}`} className="cart-line-name">
          {name}
        </Link>
        {line.sku !== null && <p className="muted small">SKU {line.sku}</p>}
        {line.unitPrice && (
          <p className="small">
            <Price money={line.unitPrice} /> each
          </p>
        )}
        {line.priceChanged && line.unitPrice && (
          <p className="flag flag-info" role="note">
            Price changed since you added it: was {formatMoney(line.priceAtAdd)}, now {formatMoney(line.unitPrice)}.
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
          Quantity of {name}
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
        <button type="button" className="link-button" disabled={busy} onClick={() => onRemove(line.productId)} aria-label={`Remove ${name}`}>
          Remove
        </button>
      </div>
      <p className="cart-line-total">{line.lineTotal ? <Price money={line.lineTotal} /> : <span className="muted">—</span>}</p>
    </li>
  );
}

/** What a line is called: catalog's name, or a placeholder once catalog no longer has the product. */
export function cartLineName(line: Pick<CartLine, 'name'>): string {
  return line.name ?? 'A product no longer sold';
}

/** Item count and subtotal; taxes are included and shipping is free in this shop, so the subtotal is what is charged. */
export function CartTotals({ cart }: { cart: Cart }) {
  const currency = cart.subtotal.currency;
  return (
    <dl className="cart-totals" aria-label="Order summary">
      <div>
        <dt>Items</dt>
        <dd data-testid="cart-item-count">{cart.itemCount}</dd>
      </div>
      <div>
        <dt>Shipping</dt>
        <dd>Free</dd>
      </div>
      <div className="total">
        <dt>Subtotal</dt>
        <dd data-testid="cart-subtotal">{currency ? formatMoney({ amount: cart.subtotal.amount, currency }) : '—'}</dd>
      </div>
    </dl>
  );
}
