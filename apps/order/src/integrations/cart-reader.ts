import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import { CartPaths, type Money } from '@shop/contracts';
import { propagationHeaders } from '@shop/platform';
import type { PricedLine } from '../domain/order';
import type { CartReader } from '../domain/ports';
import { AppError } from '@shop/kernel';

/** A cart line as the cart API shows it (the fields the order reads). */
interface CartLineBody {
  productId: string;
  sku: string | null;
  name: string | null;
  unitPrice: Money | null;
  priceAtAdd?: Money;
  quantity: number;
}

/** CartReader on the cart service's API, called with the shopper's own Authorization header. */
export class CartServiceReader implements CartReader {
  constructor(private readonly options: { invoker: ServiceInvoker; cartAppId: string; timeoutMs?: number }) {}

  async readCart(authorization: string): Promise<{ lines: PricedLine[] }> {
    let response;
    try {
      response = await this.options.invoker.invoke<{ lines?: CartLineBody[] }>(this.options.cartAppId, {
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
    if (response.status !== 200 || !Array.isArray(response.body?.lines)) {
      throw new AppError('unavailable', `The cart answered ${response.status}; try again`, { retryAfterSeconds: 1 });
    }
    return {
      // A line the catalog no longer sells has no current price: the price when added stands in, and the
      // reservation (which prices authoritatively) refuses the product.
      lines: response.body.lines.map((line) => ({
        productId: line.productId,
        sku: line.sku ?? '',
        name: line.name ?? '',
        unitPrice: line.unitPrice ?? line.priceAtAdd ?? { amount: 0, currency: 'XXX' },
        quantity: line.quantity,
      })),
    };
  }
}
