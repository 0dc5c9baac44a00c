import { Router, type Response } from 'express';
import { adminOrdersQuerySchema, listOrdersQuerySchema, placeOrderBodySchema, Roles, type Order, type OrderPage, type OrderWithHistory } from '@shop/contracts';
import { authenticate, confirmCurrentRole, requirePrincipal, requireRole, type TokenVerifier, type UserAuthorizations } from '@shop/auth-tokens';
import { parseOrThrow } from '@shop/platform';
import type { CheckoutOutcome } from '../domain/checkout-outcome';
import type { CheckoutService } from '../domain/checkout.service';
import type { OrderService } from '../domain/order.service';
import type { CheckoutMetrics } from '../domain/checkout-metrics';
import { answerOfCheckoutOutcome } from './checkout-outcome.mapper';
import { idempotencyKeySchema, orderIdParamsSchema } from './orders.schemas';
import { AppError } from '@shop/kernel';

/** The order API under /api/orders: the shopper's checkout and orders, and the admin's search and fulfilment. */
export function createOrdersRouter(deps: {
  checkout: CheckoutService;
  orders: OrderService;
  verifier: TokenVerifier;
  authorizations: UserAuthorizations;
  checkoutMetrics?: CheckoutMetrics;
}): Router {
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
    const placeOrder = () => checkout.placeOrder({ userId: principal.userId, authorization: req.header('authorization')! }, idempotencyKey, body);
    const outcome = await (deps.checkoutMetrics ? deps.checkoutMetrics.observe('request', placeOrder) : placeOrder());
    sendCheckoutOutcome(res, outcome);
  });

  router.get('/', async (req, res) => {
    const principal = requirePrincipal(res);
    const query = parseOrThrow(listOrdersQuerySchema, req.query, 'query');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json((await orders.listOwnOrders(principal.userId, query)) satisfies OrderPage);
  });

  router.get('/admin/orders', adminOnly, async (req, res) => {
    const { status, userId, from, to, limit, cursor } = parseOrThrow(adminOrdersQuerySchema, req.query, 'query');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json((await orders.searchOrders({ status, userId, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined }, { limit, cursor })) satisfies OrderPage);
  });

  router.get('/:id', async (req, res) => {
    const principal = requirePrincipal(res);
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    res.setHeader('Cache-Control', 'private, no-store');
    res.json((principal.roles.includes(Roles.admin) ? await orders.getOrder(id) : await orders.getOwnOrder(principal.userId, id)) satisfies OrderWithHistory);
  });

  router.post('/:id/cancel', async (req, res) => {
    const principal = requirePrincipal(res);
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    // Cancelling someone else's order refunds it and cannot be undone: the admin role is confirmed in auth's database
    // then, not read from the token; the owner's own cancellation costs no call to auth.
    const confirmAdmin = principal.roles.includes(Roles.admin) ? () => confirmCurrentRole(deps.authorizations, principal, Roles.admin) : undefined;
    res.json((await orders.cancel({ userId: principal.userId, confirmAdmin }, id)) satisfies Order);
  });

  router.post('/:id/ship', adminOnly, async (req, res) => {
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    res.json((await orders.ship(id, { userId: requirePrincipal(res).userId })) satisfies Order);
  });

  router.post('/:id/deliver', adminOnly, async (req, res) => {
    const { id } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    res.json((await orders.deliver(id, { userId: requirePrincipal(res).userId })) satisfies Order);
  });

  return router;
}

/**
 * Sends a checkout outcome as its HTTP answer: an order or the 202 with their Location, or a problem document thrown
 * to the platform's error handler. Never cached: the answer belongs to one shopper's key.
 */
function sendCheckoutOutcome(res: Response, outcome: CheckoutOutcome): void {
  const answer = answerOfCheckoutOutcome(outcome);
  res.setHeader('Cache-Control', 'no-store');
  if ('problem' in answer) throw answer.problem;
  res.status(answer.status).setHeader('Location', answer.location);
  res.json(answer.body);
}
