import { Router, type Response } from 'express';
import { Roles } from '@shop/contracts';
import { authenticate, requirePrincipal, requireRole, type TokenVerifier } from '@shop/auth-tokens';
import { parseOrThrow } from '@shop/platform';
import type { CheckoutService } from '../domain/checkout.service';
import type { OrderService } from '../domain/order.service';
import type { StoredResponse } from '../domain/ports';
import { adminOrdersQuerySchema, idempotencyKeySchema, listOrdersQuerySchema, orderIdParamsSchema, placeOrderBodySchema } from './orders.schemas';
import { AppError } from '@shop/kernel';

/** The order API under /api/orders: the shopper's checkout and orders, and the admin's search and fulfilment. */
export function createOrdersRouter(deps: { checkout: CheckoutService; orders: OrderService; verifier: TokenVerifier }): Router {
  const { checkout, orders } = deps;
  const router = Router();
  router.use(authenticate(deps.verifier));
  const adminOnly = requireRole(Roles.admin);

  router.post('/', async (req, res) => {
    const principal = requirePrincipal(res);
    // Missing key → 428 (the request is fine, a precondition for running it safely is not); malformed → 400.
    const rawKey = req.header('idempotency-key');
    if (rawKey === undefined) throw new AppError('precondition_required', 'POST /api/orders needs an Idempotency-Key header (8–128 of A-Z a-z 0-9 _ -), the same for every retry of one checkout');
    const idempotencyKey = parseOrThrow(idempotencyKeySchema, rawKey, 'headers.idempotency-key');
    const body = parseOrThrow(placeOrderBodySchema, req.body, 'body');
    const answer = await checkout.placeOrder({ userId: principal.userId, authorization: req.header('authorization')! }, idempotencyKey, body);
    sendStoredResponse(res, answer);
  });

  router.get('/', async (req, res) => {
    const principal = requirePrincipal(res);
    const query = parseOrThrow(listOrdersQuerySchema, req.query, 'query');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await orders.listOwnOrders(principal.userId, query));
  });

  router.get('/admin/orders', adminOnly, async (req, res) => {
    const { status, userId, from, to, limit, cursor } = parseOrThrow(adminOrdersQuerySchema, req.query, 'query');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await orders.searchOrders({ status, userId, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined }, { limit, cursor }));
  });

  router.get('/:id', async (req, res) => {
    const principal = requirePrincipal(res);
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(principal.roles.includes(Roles.admin) ? await orders.getOrder(id) : await orders.getOwnOrder(principal.userId, id));
  });

  router.post('/:id/cancel', async (req, res) => {
    const principal = requirePrincipal(res);
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    res.json(await orders.cancelByCustomer(principal.userId, id));
  });

  router.post('/:id/ship', adminOnly, async (req, res) => {
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    res.json(await orders.ship(id));
  });

  router.post('/:id/deliver', adminOnly, async (req, res) => {
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    res.json(await orders.deliver(id));
  });

  return router;
}

/** Sends a checkout answer: problems as problem+json, orders with their Location. */
function sendStoredResponse(res: Response, answer: StoredResponse): void {
  res.status(answer.status);
  res.setHeader('Cache-Control', 'no-store');
  if (answer.location) res.setHeader('Location', answer.location);
  if (answer.status >= 400) {
    const retryAfter = answer.status === 503 ? '1' : undefined;
    if (retryAfter) res.setHeader('Retry-After', retryAfter);
    res.type('application/problem+json').send(JSON.stringify(answer.body));
    return;
  }
  res.json(answer.body);
}
