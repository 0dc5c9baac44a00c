import { z } from 'zod';
import {
  CartInternalPaths,
  addCartItemBodySchema,
  cartCheckoutRefusedProblemSchema,
  cartCheckoutSchema,
  cartViewSchema,
  releaseCartCheckoutBodySchema,
  releaseCartCheckoutReplySchema,
  remindAbandonedCartsBodySchema,
  remindAbandonedCartsReplySchema,
  setCartItemQuantityBodySchema,
  setCartMarketBodySchema,
  startCartCheckoutBodySchema,
} from '@shop/contracts';
import { jsonRequestBody, type ApiOperation } from '../api-operation';
import { pathParameters, textParameter, uuidParameter } from '../path-parameters';
import { jsonResponse } from '../responses';

const productId = pathParameters({ productId: uuidParameter('The product id of the line (any case)') });

/** What every cart answer carries besides the cart. */
const cartHeaders = z.object({
  'X-Cart-Id': z.string().optional().meta({ description: 'The guest cart\'s id: keep it and send it back (a browser also gets it in the cart_id cookie)' }),
  'Set-Cookie': z.string().optional().meta({ description: 'cart_id=<id>; HttpOnly; SameSite=Lax; Path=/api/cart, when a guest cart was written' }),
  'Cache-Control': z.literal('no-store').meta({ description: 'A cart is personal: no cache keeps it' }),
  ETag: z.string().meta({ description: 'W/"<version>": the version of the cart\'s lines, which a checkout takes the cart at (weak: catalog\'s current prices in the body are not part of it)' }),
});

const checkoutUser = { userId: textParameter('The user whose cart it is (the id in their access token)') };

const cart = (description: string) => jsonResponse(description, cartViewSchema, cartHeaders);

/** The cart: one guest's or one user's, and the batch job's abandoned-cart reminders. */
export const cartOperations: readonly ApiOperation[] = [
  {
    operationId: 'getCart',
    method: 'get',
    path: '/api/cart',
    summary: 'The cart, priced by catalog now',
    access: 'cart-owner',
    responses: { 200: cart('The cart (an empty one when there is none yet)') },
    problems: [400, 503],
  },
  {
    operationId: 'clearCart',
    method: 'delete',
    path: '/api/cart',
    summary: 'Empty the cart',
    description: 'A guest cart\'s cookie is expired as well.',
    access: 'cart-owner',
    responses: { 200: cart('The empty cart') },
    problems: [400, 409, 503],
  },
  {
    operationId: 'addCartItem',
    method: 'post',
    path: '/api/cart/items',
    summary: 'Add units of a product',
    description: 'Adds to the product\'s line when there is one. 422: the product is not for sale, is priced in another currency than the cart, or a limit (lines per cart, units per line) would be passed.',
    access: 'cart-owner',
    request: { body: jsonRequestBody(addCartItemBodySchema) },
    responses: { 200: cart('The cart with the line') },
    problems: [400, 409, 422, 503],
  },
  {
    operationId: 'setCartItemQuantity',
    method: 'patch',
    path: '/api/cart/items/{productId}',
    summary: 'Set the quantity of a line (0 removes it)',
    access: 'cart-owner',
    request: { params: productId, body: jsonRequestBody(setCartItemQuantityBodySchema) },
    responses: { 200: cart('The cart with the new quantity') },
    problems: [400, 404, 409, 422, 503],
  },
  {
    operationId: 'removeCartItem',
    method: 'delete',
    path: '/api/cart/items/{productId}',
    summary: 'Remove a line',
    access: 'cart-owner',
    request: { params: productId },
    responses: { 200: cart('The cart without the line') },
    problems: [400, 404, 409, 503],
  },
  {
    operationId: 'setCartMarket',
    method: 'put',
    path: '/api/cart/market',
    summary: 'Price the cart in another market',
    description:
      'Every line is re-priced by catalog in the market\'s currency and carries `repricedFrom` (its price before) until it changes again; a line catalog cannot price in that currency shows as unavailable. Without a cart nothing is stored. A new cart is priced in the request\'s market (`?market=`, the shop_market cookie, the client country, Accept-Language, the default).',
    access: 'cart-owner',
    request: { body: jsonRequestBody(setCartMarketBodySchema) },
    responses: { 200: cart('The cart in the new market') },
    problems: [400, 409, 503],
  },
  {
    operationId: 'remindAbandonedCarts',
    method: 'post',
    path: CartInternalPaths.remindAbandonedCarts,
    summary: 'Publish cart.abandoned for the signed-in carts idle that long (the batch job)',
    description: 'Each cart is reminded once per version. 503 when some reminders could not be published; the next run retries them.',
    access: 'service',
    request: { body: { ...jsonRequestBody(remindAbandonedCartsBodySchema), required: false } },
    responses: { 200: jsonResponse('How many reminders were published', remindAbandonedCartsReplySchema) },
    problems: [400, 503],
  },
  {
    operationId: 'startCartCheckout',
    method: 'post',
    path: '/internal/cart/users/{userId}/checkouts',
    summary: 'An order takes the user\'s cart (the order service\'s checkout)',
    description:
      'In one guarded write the cart\'s lines, when still at `cartVersion`, move into a hold for the order: the cart shows no lines from then on. The hold is dropped when order.confirmed arrives, or its lines return on release; a hold whose order never settles is dropped after 7 days. Idempotent per order id.',
    access: 'service',
    request: { params: pathParameters(checkoutUser), body: jsonRequestBody(startCartCheckoutBodySchema) },
    responses: { 200: jsonResponse('The lines the order holds (or completed: the order was confirmed since)', cartCheckoutSchema) },
    problems: [400, { status: 409, schema: cartCheckoutRefusedProblemSchema, description: 'Nothing taken: the cart moved on (cart_changed), or the order gave it back already (checkout_released)' }, 503],
  },
  {
    operationId: 'releaseCartCheckout',
    method: 'post',
    path: '/internal/cart/users/{userId}/checkouts/{orderId}/release',
    summary: 'An order that did not go through gives the cart back',
    description:
      'The held lines return in front of anything added since (quantities capped by the cart\'s limits). Idempotent; for an order that took nothing it makes sure the order can take nothing any more; a confirmed order keeps its lines.',
    access: 'service',
    request: { params: pathParameters({ ...checkoutUser, orderId: uuidParameter('The order (any case)') }), body: { ...jsonRequestBody(releaseCartCheckoutBodySchema), required: false } },
    responses: { 200: jsonResponse('What the release did', releaseCartCheckoutReplySchema) },
    problems: [400, 409, 503],
  },
];
