import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import {
  CartInternalPaths,
  CartPaths,
  cartCheckoutRefusedProblemSchema,
  cartCheckoutSchema,
  cartViewSchema,
  releaseCartCheckoutReplySchema,
  type StartCartCheckoutBody,
} from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { appApiTokenHeader, propagationHeaders } from '@shop/platform';
import type { CartCheckoutRef, CartCheckouts, CartContents } from '../domain/ports';

/** Options of the cart adapter. */
export interface CartServiceCheckoutsOptions {
  invoker: ServiceInvoker;
  cartAppId: string;
  /** Sent as `dapr-api-token` when set (the cart's internal routes then require it). */
  appApiToken?: string;
  timeoutMs?: number;
}

/** `W/"v"` or `"v"` → `v`. */
const entityTagPattern = /^(?:W\/)?"([^"]+)"$/;

/**
 * CartCheckouts on the cart service: the cart is read through its API with the shopper's own Authorization header
 * (its ETag is the version), and taken and given back through the cart's internal checkout routes. Replies are read
 * with the cart contract; one that fits none of its shapes is a failure of the cart (the outcome is unknown).
 */
export class CartServiceCheckouts implements CartCheckouts {
  constructor(private readonly options: CartServiceCheckoutsOptions) {}

  async readCart(authorization: string): Promise<CartContents> {
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
    // No cart at all: nothing to order (the checkout refuses an empty cart before it needs a version).
    if (response.status === 404) return { lines: [], version: '' };
    if (response.status === 401) throw new AppError('unauthorized', 'The cart refused the access token');
    const cart = response.status === 200 ? cartViewSchema.safeParse(response.body) : undefined;
    const version = entityTagPattern.exec(response.headers.etag ?? '')?.[1];
    if (!cart?.success || version === undefined) {
      // A 200 that breaks the contract is as unusable as an error: nothing is ordered from a cart we cannot read.
      throw new AppError('unavailable', `The cart answered ${response.status}${version === undefined ? ' without its version' : ''}; try again`, { retryAfterSeconds: 1, cause: cart?.error });
    }
    return {
      version,
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

  async take(request: CartCheckoutRef & { cartVersion: string }): Promise<'taken' | 'cart_changed'> {
    const body: StartCartCheckoutBody = { orderId: request.orderId, cartVersion: request.cartVersion };
    const response = await this.call(CartInternalPaths.checkouts(request.userId), body);
    if (response.status === 200 && cartCheckoutSchema.safeParse(response.body).success) return 'taken';
    if (response.status === 409 && cartCheckoutRefusedProblemSchema.safeParse(response.body).success) return 'cart_changed';
    throw this.unexpected('take', response.status, response.body);
  }

  async release(request: CartCheckoutRef): Promise<void> {
    const response = await this.call(CartInternalPaths.releaseCheckout(request.userId, request.orderId));
    if (response.status === 200 && releaseCartCheckoutReplySchema.safeParse(response.body).success) return;
    throw this.unexpected('release', response.status, response.body);
  }

  private call(path: string, body?: unknown) {
    return this.options.invoker.invoke(this.options.cartAppId, {
      method: 'POST',
      path,
      body,
      timeoutMs: this.options.timeoutMs,
      headers: { ...propagationHeaders(), ...(this.options.appApiToken ? { [appApiTokenHeader]: this.options.appApiToken } : {}) },
    });
  }

  private unexpected(what: string, status: number, body: unknown): Error {
    return new ServiceUnavailableError(this.options.cartAppId, new Error(`cart answered ${status} to ${what}: ${JSON.stringify(body)?.slice(0, 300)}`));
  }
}
