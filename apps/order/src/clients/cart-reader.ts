import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import { CartPaths, cartViewSchema } from '@shop/contracts';
import { propagationHeaders } from '@shop/platform';
import type { PricedLine } from '../domain/order';
import type { CartReader } from '../domain/ports';
import { AppError } from '@shop/kernel';

/** CartReader on the cart service's API, called with the shopper's own Authorization header; the reply is checked against the cart contract. */
export class CartServiceReader implements CartReader {
  constructor(private readonly options: { invoker: ServiceInvoker; cartAppId: string; timeoutMs?: number }) {}

  async readCart(authorization: string): Promise<{ lines: PricedLine[] }> {
    let response;
    try {
      response = await this.options.invoker.invoke(this.options.cartAppId, {
        method: 'GET',
        path: CartPaths.cart,
        timeoutMs: this.options.timeoutMs,
        headers: { ...propagationHeaders(), authorization },
      });
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw new AppError('unavailable', 'The cart cannot be read right now; try again', { retryAfterSeconds: 1, cause: error });
      throw error;
    }
    if (response.status === 404) return { lines: [] };
    if (response.status === 401) throw new AppError('unauthorized', 'The cart refused the access token');
    const cart = response.status === 200 ? cartViewSchema.safeParse(response.body) : undefined;
    if (!cart?.success) {
      // A 200 that breaks the contract is as unusable as an error: nothing is ordered from a cart we cannot read.
      throw new AppError('unavailable', `The cart answered ${response.status}; try again`, { retryAfterSeconds: 1, cause: cart?.error });
    }
    return {
      // A line the catalog no longer sells has no current price: the price when added stands in, and the
      // reservation (which prices authoritatively) refuses the product.
      lines: cart.data.lines.map((line) => ({
        productId: line.productId,
        sku: line.sku ?? '',
        name: line.name ?? '',
        unitPrice: line.unitPrice ?? line.priceAtAdd,
        quantity: line.quantity,
      })),
    };
  }
}
