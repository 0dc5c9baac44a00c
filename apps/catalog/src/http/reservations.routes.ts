import { Router } from 'express';
import { CatalogInternalPaths } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { ReservationService } from '../domain/reservation.service';
import { CachePolicies } from './cache-policy';
import { emptyBodySchema, reservationParamsSchema, reserveStockBodySchema } from './reservations.schemas';

/**
 * The stock-reservation routes that the order service calls through Dapr service invocation (never routed by the
 * gateway). With an app API token configured, callers must present it (`dapr-api-token`).
 */
export function createReservationsRouter(deps: { reservations: ReservationService; appApiToken?: string }): Router {
  const { reservations } = deps;
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });
  const router = Router();
  const base = CatalogInternalPaths.reservations;

  router.post(base, internalOnly, async (req, res) => {
    const request = parseOrThrow(reserveStockBodySchema, req.body, 'body');
    const { created, reservation } = await reservations.reserveStock({}, request);
    res.status(created ? 201 : 200).setHeader('Cache-Control', CachePolicies.private);
    res.json(reservation);
  });

  router.post(CatalogInternalPaths.releaseExpiredReservations, internalOnly, async (req, res) => {
    parseOrThrow(emptyBodySchema, req.body, 'body');
    const result = await reservations.releaseExpiredReservations({});
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(result);
  });

  router.post(`${base}/:orderId/commit`, internalOnly, async (req, res) => {
    parseOrThrow(emptyBodySchema, req.body, 'body');
    const { orderId } = parseOrThrow(reservationParamsSchema, req.params, 'params');
    const reservation = await reservations.commitReservation({}, orderId);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(reservation);
  });

  router.post(`${base}/:orderId/release`, internalOnly, async (req, res) => {
    parseOrThrow(emptyBodySchema, req.body, 'body');
    const { orderId } = parseOrThrow(reservationParamsSchema, req.params, 'params');
    const reservation = await reservations.releaseReservation({}, orderId);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(reservation);
  });

  return router;
}
