import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import { CatalogInternalPaths } from '@shop/contracts';
import { appApiTokenHeader, propagationHeaders } from '@shop/platform';
import type { PricedLine } from '../domain/order';
import type { ReservationLine, ReservationOutcome, StockReservations } from '../domain/ports';

/** Options of the catalog adapter. */
export interface CatalogStockReservationsOptions {
  invoker: ServiceInvoker;
  catalogAppId: string;
  /** Sent as `dapr-api-token` when set (catalog's internal routes then require it). */
  appApiToken?: string;
  timeoutMs?: number;
}

interface ReservationBody {
  status?: string | number;
  reservationStatus?: string;
  expiresAt?: string;
  lines?: PricedLine[];
  outOfStock?: Array<{ productId: string; requested: number; available: number }>;
  unavailable?: string[];
}

/** StockReservations on the catalog's internal reservation API. */
export class CatalogStockReservations implements StockReservations {
  constructor(private readonly options: CatalogStockReservationsOptions) {}

  async reserve(request: { orderId: string; lines: ReservationLine[]; ttlSeconds: number }): Promise<ReservationOutcome> {
    const response = await this.call('POST', CatalogInternalPaths.reservations, request);
    const body = (response.body ?? {}) as ReservationBody;
    if ((response.status === 200 || response.status === 201) && Array.isArray(body.lines)) {
      return { status: 'reserved', expiresAt: body.expiresAt ?? '', lines: body.lines };
    }
    if (response.status === 409 && Array.isArray(body.outOfStock)) return { status: 'out_of_stock', outOfStock: body.outOfStock };
    if (response.status === 422) return { status: 'unavailable', productIds: Array.isArray(body.unavailable) ? body.unavailable : [] };
    throw this.unexpected('reserve', response.status, body);
  }

  async commit(orderId: string): Promise<'committed' | 'released'> {
    const response = await this.call('POST', CatalogInternalPaths.commitReservation(orderId));
    if (response.status === 200 || response.status === 204) return 'committed';
    // Expired (released by the commit or the sweep) or already given back: the units are no longer held. The
    // problem document's own `status` is the HTTP status, so catalog names the reservation's `reservationStatus`.
    const body = response.body as ReservationBody | undefined;
    const status = body?.reservationStatus ?? body?.status;
    if (response.status === 409 && (status === 'released' || status === 'returned')) return 'released';
    throw this.unexpected('commit', response.status, response.body);
  }

  async release(orderId: string): Promise<void> {
    const response = await this.call('POST', CatalogInternalPaths.releaseReservation(orderId));
    if (response.status === 200 || response.status === 204) return;
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
