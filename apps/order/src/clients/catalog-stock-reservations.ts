import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import { CatalogInternalPaths, commitReservationReplyOf, releaseReservationReplySchema, reserveStockReplyOf, type reserveStockBodySchema } from '@shop/contracts';
import { appApiTokenHeader, propagationHeaders } from '@shop/platform';
import type { z } from 'zod';
import type { ReservationLine, ReservationOutcome, StockReservations } from '../domain/ports';

/** Options of the catalog adapter. */
export interface CatalogStockReservationsOptions {
  invoker: ServiceInvoker;
  catalogAppId: string;
  /** Sent as `dapr-api-token` when set (catalog's internal routes then require it). */
  appApiToken?: string;
  timeoutMs?: number;
}

/**
 * StockReservations on the catalog's internal reservation API. Catalog's replies are read with the reservation
 * contract; one that fits none of its shapes is a failure of the catalog (the outcome of the call is unknown).
 */
export class CatalogStockReservations implements StockReservations {
  constructor(private readonly options: CatalogStockReservationsOptions) {}

  async reserve(request: { orderId: string; lines: ReservationLine[]; ttlSeconds: number; currency: string }): Promise<ReservationOutcome> {
    const response = await this.call('POST', CatalogInternalPaths.reservations, request satisfies z.input<typeof reserveStockBodySchema>);
    const reply = reserveStockReplyOf(response.status, response.body);
    switch (reply?.kind) {
      case 'reserved':
        return { status: 'reserved', expiresAt: reply.reservation.expiresAt ?? '', lines: reply.reservation.lines };
      case 'out_of_stock':
        return { status: 'out_of_stock', outOfStock: reply.outOfStock };
      case 'unavailable':
        return { status: 'unavailable', productIds: reply.unavailable };
      case 'other_lines':
        // The order id holds other lines already (never for a fresh order id): these lines cannot be ordered with it.
        return { status: 'unavailable', productIds: [] };
      default:
        throw this.unexpected('reserve', response.status, response.body);
    }
  }

  async commit(orderId: string): Promise<'committed' | 'released'> {
    const response = await this.call('POST', CatalogInternalPaths.commitReservation(orderId));
    // Released: expired (released by the commit or the sweep) or already given back; the units are no longer held.
    const reply = commitReservationReplyOf(response.status, response.body);
    if (!reply) throw this.unexpected('commit', response.status, response.body);
    return reply.kind;
  }

  async release(orderId: string): Promise<void> {
    const response = await this.call('POST', CatalogInternalPaths.releaseReservation(orderId));
    if (response.status === 200 && releaseReservationReplySchema.safeParse(response.body).success) return;
    throw this.unexpected('release', response.status, response.body);
  }

  private call(method: 'POST', path: string, body?: unknown) {
    return this.options.invoker.invoke(this.options.catalogAppId, {
      method,
      path,
      body,
      timeoutMs: this.options.timeoutMs,
      headers: { ...propagationHeaders(), ...(this.options.appApiToken ? { [appApiTokenHeader]: this.options.appApiToken } : {}) },
    });
  }

  private unexpected(what: string, status: number, body: unknown): Error {
    return new ServiceUnavailableError(this.options.catalogAppId, new Error(`catalog answered ${status} to ${what}: ${JSON.stringify(body)?.slice(0, 300)}`));
  }
}
