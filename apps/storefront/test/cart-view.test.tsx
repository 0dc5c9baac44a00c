/** @jest-environment jsdom */
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { Cart } from '../src/api/types';
import { CartView } from '../src/shop/cart-view';
import { cartLine, cartOf } from './cart-fixtures';

const line = cartLine;

function renderCart(cart: Cart) {
  const changes: [string, number][] = [];
  const removals: string[] = [];
  render(
    <MemoryRouter>
      <CartView cart={cart} onQuantityChange={(id, quantity) => changes.push([id, quantity])} onRemove={(id) => removals.push(id)} />
    </MemoryRouter>,
  );
  return { changes, removals };
}

describe('CartView', () => {
  it('when the cart has lines, then the totals are the cart service’s, formatted for the currency', () => {
    renderCart(cartOf([line({}), line({ productId: 'p2', name: 'Kettle', quantity: 1, lineTotal: { amount: 3999, currency: 'EUR' }, unitPrice: { amount: 3999, currency: 'EUR' } })], 8997));
    expect(screen.getByTestId('cart-item-count').textContent).toBe('3');
    expect(screen.getByTestId('cart-subtotal').textContent).toBe(new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(89.97));
    expect(screen.getAllByTestId('cart-line')).toHaveLength(2);
  });

  it('when a price changed or stock is short, then the line says so in words', () => {
    renderCart(
      cartOf(
        [
          line({ priceChanged: true, priceAtAdd: { amount: 1999, currency: 'EUR' } }),
          line({ productId: 'p2', name: 'Kettle', availabilityIssue: 'insufficient_stock', availability: { available: 1, inStock: true } }),
        ],
        9996,
      ),
    );
    const [changed, short] = screen.getAllByTestId('cart-line');
    expect(within(changed!).getByRole('note').textContent).toMatch(/^Price changed since you added it: was .*19\.99, now .*24\.99\.$/);
    expect(within(short!).getByRole('note').textContent).toBe('Only 1 left: lower the quantity to check out.');
  });

  it('when the shopper changes a quantity or removes a line, then the change is reported for that product only', () => {
    const { changes, removals } = renderCart(cartOf([line({})], 4998));
    const quantity = screen.getByLabelText('Quantity of Desk Lamp');
    fireEvent.change(quantity, { target: { value: '5' } });
    fireEvent.blur(quantity);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Desk Lamp' }));
    expect(changes).toEqual([['p1', 5]]);
    expect(removals).toEqual(['p1']);
  });

  it('when a quantity is typed that is not a number, then nothing is sent and the old value comes back', () => {
    const { changes } = renderCart(cartOf([line({})], 4998));
    const quantity = screen.getByLabelText('Quantity of Desk Lamp') as HTMLInputElement;
    fireEvent.change(quantity, { target: { value: '' } });
    fireEvent.blur(quantity);
    expect(changes).toEqual([]);
    expect(quantity.value).toBe('2');
  });
});
