import { Router } from 'express';
import { CatalogInternalPaths, reservationActionBodySchema, reserveStockBodySchema, type ReleaseExpiredReservationsReply, type ReservationView } from '@shop/contracts';
import { parseOrThrow, requireInternalCaller } from '@shop/platform';
import type { ReservationService } from '../domain/reservation.service';
import type { CatalogMetrics, ReservationAction } from '../domain/catalog-metrics';
import { CachePolicies } from './cache-policy';
import { orderIdParamsSchema } from './route-params.schemas';

/**
 * The stock-reservation routes that the order service calls through Dapr service invocation (never routed by the
 * gateway). Guarded by Dapr's app API token: with one configured, callers must present it (`dapr-api-token`).
 */
export function createAppTokenGuardedReservationsRouter(deps: { reservations: ReservationService; appApiToken?: string; metrics?: CatalogMetrics }): Router {
  const { reservations } = deps;
  // Refused: out of stock, a conflicting state, or a failure; the route still answers through the error handler.
  const counted = async <T>(action: ReservationAction, call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      deps.metrics?.reservation(action, 'ok');
      return result;
    } catch (error) {
      deps.metrics?.reservation(action, 'refused');
      throw error;
    }
  };
  const internalOnly = requireInternalCaller({ appApiToken: deps.appApiToken });
  const router = Router();
  const base = CatalogInternalPaths.reservations;

  router.post(base, internalOnly, async (req, res) => {
    const request = parseOrThrow(reserveStockBodySchema, req.body, 'body');
    const { created, reservation } = await counted('reserve', () => reservations.reserveStock(request));
    res.status(created ? 201 : 200).setHeader('Cache-Control', CachePolicies.private);
    res.json(reservation satisfies ReservationView);
  });

  router.post(CatalogInternalPaths.releaseExpiredReservations, internalOnly, async (req, res) => {
    parseOrThrow(reservationActionBodySchema, req.body, 'body');
    const result = await reservations.releaseExpiredReservations();
    deps.metrics?.reservation('release_expired', 'ok', result.released);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(result satisfies ReleaseExpiredReservationsReply);
  });

  router.post(`${base}/:orderId/commit`, internalOnly, async (req, res) => {
    parseOrThrow(reservationActionBodySchema, req.body, 'body');
    const { orderId } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    const reservation = await counted('commit', () => reservations.commitReservation(orderId));
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(reservation satisfies ReservationView);
  });

  router.post(`${base}/:orderId/release`, internalOnly, async (req, res) => {
    parseOrThrow(reservationActionBodySchema, req.body, 'body');
    const { orderId } = parseOrThrow(orderIdParamsSchema, req.params, 'params');
    const reservation = await counted('release', () => reservations.releaseReservation(orderId));
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json(reservation satisfies ReservationView);
  });

  return router;
}
