/** @jest-environment jsdom */
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { CartView as Cart } from '@shop/contracts';
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
    expect(within(changed).getByRole('note').textContent).toMatch(/^Price changed since you added it: was .*19\.99, now .*24\.99\.$/);
    expect(within(short).getByRole('note').textContent).toBe('Only 1 left: lower the quantity to check out.');
  });

  it('when catalog no longer sells a product, then its line (no name, SKU or stock on the wire) still shows and can be removed', () => {
    // What the cart service answers for such a line: catalog's fields are null, the price is the one when added.
    const gone = line({ sku: null, name: null, unitPrice: null, lineTotal: null, availability: null, availabilityIssue: 'unavailable' });
    const { removals } = renderCart(cartOf([gone], 0));
    const row = screen.getByTestId('cart-line');
    expect(within(row).getByRole('link', { name: 'A product no longer sold' })).toBeTruthy();
    expect(within(row).queryByText(/^SKU/)).toBeNull();
    expect(within(row).getByRole('note').textContent).toBe('No longer sold: remove it to check out.');
    fireEvent.click(within(row).getByRole('button', { name: 'Remove A product no longer sold' }));
    expect(removals).toEqual(['p1']);
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
    const quantity = screen.getByLabelText<HTMLInputElement>('Quantity of Desk Lamp');
    fireEvent.change(quantity, { target: { value: '' } });
    fireEvent.blur(quantity);
    expect(changes).toEqual([]);
    expect(quantity.value).toBe('2');
  });

  it('when a market change re-priced a line, then it shows the previous price struck through and says what happened, not that the price changed since it was added', () => {
    const repriced = line({
      unitPrice: { amount: 2799, currency: 'USD' },
      lineTotal: { amount: 5598, currency: 'USD' },
      priceAtAdd: { amount: 2499, currency: 'EUR' },
      priceChanged: true,
      repricedFrom: { amount: 2499, currency: 'EUR' },
    });
    renderCart({ ...cartOf([repriced], 5598), market: 'us', subtotal: { amount: 5598, currency: 'USD' } });
    const row = screen.getByTestId('cart-line');
    const euros = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(24.99);
    const dollars = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(27.99);
    expect(within(row).getByText(euros, { selector: 's' })).toBeTruthy();
    expect(within(row).getByText(`${dollars} each`, { exact: false })).toBeTruthy();
    expect(within(row).getAllByRole('note').map((note) => note.textContent)).toEqual([`Re-priced for your market: was ${euros}, now ${dollars}.`]);
  });

  it('when a market change left a product without a price in the new market, then the line says it is not sold in this market (not that it is no longer sold)', () => {
    const notInMarket = line({ unitPrice: null, lineTotal: null, availabilityIssue: 'unavailable', repricedFrom: { amount: 2499, currency: 'EUR' } });
    renderCart({ ...cartOf([notInMarket], 0), hasAvailabilityIssues: true });
    const row = screen.getByTestId('cart-line');
    const euros = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(24.99);
    expect(within(row).getByRole('link', { name: 'Desk Lamp' })).toBeTruthy();
    expect(within(row).getAllByRole('note').map((note) => note.textContent)).toEqual([
      `Was ${euros} in your previous market.`,
      'Not sold in this market: remove it to check out, or switch back to the market you added it in.',
    ]);
  });
});
