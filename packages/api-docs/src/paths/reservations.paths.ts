import {
  CatalogInternalPaths,
  ReservationProblems,
  releaseExpiredReservationsReplySchema,
  releaseReservationReplySchema,
  reservationActionBodySchema,
  reservationViewSchema,
  reserveStockBodySchema,
} from '@shop/contracts';
import { jsonRequestBody, type ApiOperation } from '../api-operation';
import { pathParameters, uuidParameter } from '../path-parameters';
import { jsonResponse } from '../responses';

const orderId = pathParameters({ orderId: uuidParameter('The order id the reservation was made for (any case)') });
const optionalEmptyBody = { ...jsonRequestBody(reservationActionBodySchema), required: false };
const reservationsPath = CatalogInternalPaths.reservations;

/** Catalog's stock reservations, which the order service's checkout calls. */
export const reservationOperations: readonly ApiOperation[] = [
  {
    operationId: 'reserveStock',
    method: 'post',
    path: reservationsPath,
    summary: 'Hold stock for an order: every line or none',
    description: 'Idempotent per order id: the same request again answers the reservation (200).',
    access: 'service',
    request: { body: jsonRequestBody(reserveStockBodySchema) },
    responses: {
      201: jsonResponse('Reserved now', reservationViewSchema),
      200: jsonResponse('Reserved by an earlier identical request', reservationViewSchema),
    },
    problems: [
      400,
      { status: 409, schema: ReservationProblems.outOfStock, description: 'Too little stock of some lines: nothing was reserved' },
      { status: 409, schema: ReservationProblems.released, description: 'The order\'s reservation was released or given back' },
      { status: 422, schema: ReservationProblems.unavailable, description: 'Some products are unknown or not on sale' },
      { status: 422, schema: ReservationProblems.otherLines, description: 'The order id already holds a reservation of other lines' },
    ],
  },
  {
    operationId: 'releaseExpiredReservations',
    method: 'post',
    path: CatalogInternalPaths.releaseExpiredReservations,
    summary: 'Release every reservation past its expiry (the batch job)',
    description: 'Idempotent; two runs at once release each reservation once.',
    access: 'service',
    request: { body: optionalEmptyBody },
    responses: { 200: jsonResponse('How many were released', releaseExpiredReservationsReplySchema) },
    problems: [400],
  },
  {
    operationId: 'commitReservation',
    method: 'post',
    path: `${reservationsPath}/{orderId}/commit`,
    summary: 'Turn the reservation into a sale (on hand decreases)',
    description: 'Idempotent.',
    access: 'service',
    request: { params: orderId, body: optionalEmptyBody },
    responses: { 200: jsonResponse('The committed reservation', reservationViewSchema) },
    problems: [400, 404, { status: 409, schema: ReservationProblems.released, description: 'The order\'s units are no longer held (released, expired or given back)' }],
  },
  {
    operationId: 'releaseReservation',
    method: 'post',
    path: `${reservationsPath}/{orderId}/release`,
    summary: 'Give the reserved units back',
    description: 'Idempotent; an order that never reserved anything answers status none.',
    access: 'service',
    request: { params: orderId, body: optionalEmptyBody },
    responses: { 200: jsonResponse('The reservation as it is now', releaseReservationReplySchema) },
    problems: [400],
  },
];
