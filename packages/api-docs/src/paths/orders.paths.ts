import { z } from 'zod';
import {
  OrderInternalPaths,
  adminOrdersQuerySchema,
  checkoutProcessingSchema,
  dailyReportBodySchema,
  dailyReportListSchema,
  dailyReportQuerySchema,
  dailyReportSchema,
  listOrdersQuerySchema,
  orderOutOfStockLineSchema,
  orderPageSchema,
  orderSchema,
  orderWithHistorySchema,
  placeOrderBodySchema,
  problemDocumentSchema,
} from '@shop/contracts';
import { jsonRequestBody, type ApiOperation } from '../api-operation';
import { pathParameters, uuidParameter } from '../path-parameters';
import { jsonResponse } from '../responses';

const orderId = pathParameters({ id: uuidParameter('The order id') });
const privateNoStore = z.object({ 'Cache-Control': z.literal('private, no-store') });
const orderLocation = z.object({
  Location: z.string().meta({ description: '/api/orders/{id}: where the order can be read' }),
  'Cache-Control': z.literal('no-store'),
});

/** The checkout's 409 when catalog could not reserve every line: the lines that are short, with what is available. */
const checkoutOutOfStockProblem = problemDocumentSchema.extend({ orderId: z.uuid(), outOfStock: z.array(orderOutOfStockLineSchema) });

/** The shopper's checkout and orders, the admin's search, fulfilment and daily reports, and the report job's route. */
export const orderOperations: readonly ApiOperation[] = [
  {
    operationId: 'placeOrder',
    method: 'post',
    path: '/api/orders',
    summary: 'Check out the caller\'s cart',
    description:
      'Takes the cart (its lines leave it at once and belong to the order; a checkout that does not go through gives them back), reserves their stock, charges the payment method and confirms the order. Retries with the same Idempotency-Key and body answer what the first request answered (or 409 while it still runs); a problem of a checkout that got as far as an order names it in `orderId`.',
    access: 'signed-in',
    request: {
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .regex(/^[A-Za-z0-9_-]{8,128}$/)
          .meta({ description: 'One key per checkout, the same for every retry of it: 8 to 128 of A-Z, a-z, 0-9, _ and -. Without it 428.' }),
      }),
      body: jsonRequestBody(placeOrderBodySchema),
    },
    responses: {
      201: jsonResponse('Paid and confirmed', orderSchema, orderLocation),
      202: jsonResponse('The order exists, the payment outcome is not known yet: poll the Location', checkoutProcessingSchema, orderLocation),
    },
    problems: [
      400,
      { status: 402, description: 'The payment was declined (members: orderId, reason); nothing is charged, the stock is released and the cart\'s lines are back' },
      { status: 409, schema: checkoutOutOfStockProblem, description: 'Some products are out of stock (outOfStock lists them)' },
      {
        status: 409,
        description:
          'The cart changed while the order was being placed (reason: cart_changed; it was edited, or a concurrent checkout took it), the reservation expired before the payment completed, the checkout was interrupted, the order was cancelled meanwhile, or a request with this key is still running',
      },
      { status: 422, description: 'The cart is empty, mixes currencies or holds products that cannot be ordered; or the key was used with another body' },
      428,
      503,
    ],
  },
  {
    operationId: 'listOwnOrders',
    method: 'get',
    path: '/api/orders',
    summary: 'The caller\'s orders, newest first',
    access: 'signed-in',
    request: { query: listOrdersQuerySchema },
    responses: { 200: jsonResponse('A page of orders', orderPageSchema, privateNoStore) },
    problems: [400],
  },
  {
    operationId: 'searchOrders',
    method: 'get',
    path: '/api/orders/admin/orders',
    summary: 'Search every order',
    access: 'admin',
    request: { query: adminOrdersQuerySchema },
    responses: { 200: jsonResponse('A page of orders', orderPageSchema, privateNoStore) },
    problems: [400],
  },
  {
    operationId: 'getOrder',
    method: 'get',
    path: '/api/orders/{id}',
    summary: 'One order with its status history',
    description: 'A customer reads their own orders (another\'s is 404); an admin reads any.',
    access: 'signed-in',
    request: { params: orderId },
    responses: { 200: jsonResponse('The order', orderWithHistorySchema, privateNoStore) },
    problems: [400, 404],
  },
  {
    operationId: 'cancelOrder',
    method: 'post',
    path: '/api/orders/{id}/cancel',
    summary: 'Cancel an order before it ships (a paid order is refunded): one\'s own, or as an admin anyone\'s',
    description:
      'Someone else\'s order is 404 unless the caller is an admin; the admin role is then confirmed in auth\'s database, not only read from the token (failureReason `admin_cancelled`).',
    access: 'signed-in',
    request: { params: orderId },
    responses: { 200: jsonResponse('The cancelled order', orderSchema) },
    problems: [
      400,
      { status: 403, description: 'Someone else\'s order, and the caller\'s account no longer holds the admin role that its token names' },
      404,
      { status: 409, description: 'The order can no longer be cancelled (it has shipped or ended), or its payment is being completed: retry after Retry-After seconds' },
      { status: 503, description: 'Someone else\'s order, and auth cannot confirm the caller\'s admin role right now: retry after Retry-After seconds' },
    ],
  },
  {
    operationId: 'shipOrder',
    method: 'post',
    path: '/api/orders/{id}/ship',
    summary: 'Mark a confirmed order shipped',
    access: 'admin',
    request: { params: orderId },
    responses: { 200: jsonResponse('The shipped order', orderSchema) },
    problems: [400, 404, { status: 409, description: 'The order is not confirmed' }],
  },
  {
    operationId: 'deliverOrder',
    method: 'post',
    path: '/api/orders/{id}/deliver',
    summary: 'Mark a shipped order delivered',
    access: 'admin',
    request: { params: orderId },
    responses: { 200: jsonResponse('The delivered order', orderSchema) },
    problems: [400, 404, { status: 409, description: 'The order is not shipped' }],
  },
  {
    operationId: 'getDailyReports',
    method: 'get',
    path: '/api/orders/reports/daily',
    summary: 'The stored sales and analytics report of a day, or of a range of days',
    access: 'admin',
    request: { query: dailyReportQuerySchema },
    responses: {
      200: jsonResponse('With date: that day\'s report. With from and to: `{ items }`, the stored reports of those days', z.union([dailyReportSchema, dailyReportListSchema]), privateNoStore),
    },
    problems: [400, { status: 404, description: 'With date: no report was stored for that day' }],
  },
  {
    operationId: 'generateDailyReport',
    method: 'post',
    path: OrderInternalPaths.dailyReport,
    summary: 'Compute and store the report of a UTC day (the nightly job)',
    description: 'Idempotent: computing a day again replaces its report.',
    access: 'service',
    request: { body: jsonRequestBody(dailyReportBodySchema) },
    responses: { 200: jsonResponse('The stored report', dailyReportSchema, z.object({ 'Cache-Control': z.literal('no-store') })) },
    problems: [400, 503],
  },
];
