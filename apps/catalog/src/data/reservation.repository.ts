import type { ProductStatus, RequestedLine, ReservationLine, ReservationStatus } from '@shop/contracts';
import type { Database, SqlExecutor } from '@shop/postgres';
import { DuplicateKeyError } from '../domain/ports';
import type { InventoryEvent, Reservation } from '../domain/reservation';
import type { LockedReservation, ProductForSale, ReservationRepository, ReservationTransaction, StockAfterChange, StockChangeSource } from '../domain/reservation.ports';
import * as outbox from './outbox';
import { appendSnapshotsCte } from './product-history.repository';

interface ReservationRow {
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  unit_price_amount: number;
  unit_price_currency: string;
  quantity: number;
  status: ReservationStatus;
  expires_at: Date;
  expired?: boolean;
}

interface StockRow {
  product_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
}

const reservationColumns = `order_id, product_id, sku, name, unit_price_amount, unit_price_currency, quantity, status, expires_at`;

/** Reservations and the stock they hold in PostgreSQL (or PGlite). Time is the database's `now()` throughout. */
export class SqlReservationRepository implements ReservationRepository {
  constructor(private readonly db: Database) {}

  transaction<T>(work: (tx: ReservationTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((sql) => work(new SqlReservationTransaction(sql)));
  }

  async currentAvailability(productIds: string[]): Promise<Map<string, { status: ProductStatus; available: number }>> {
    // The primary, not the replica: this explains a refusal that the primary just made.
    const { rows } = await this.db.query<{ id: string; status: ProductStatus; available: number }>(
      `SELECT p.id, p.status, coalesce(i.on_hand - i.reserved, 0) AS available
       FROM products p LEFT JOIN inventory i ON i.product_id = p.id
       WHERE p.id = ANY($1::uuid[])`,
      [productIds],
    );
    return new Map(rows.map((row) => [row.id, { status: row.status, available: Number(row.available) }]));
  }

  async findExpiredOrderIds(limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ order_id: string }>(
      `SELECT order_id FROM inventory_reservations
       WHERE status = 'reserved' AND expires_at <= now()
       GROUP BY order_id ORDER BY min(expires_at), order_id LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.order_id);
  }
}

/** The statements of one reservation transaction. */
class SqlReservationTransaction implements ReservationTransaction {
  constructor(private readonly sql: SqlExecutor) {}

  async lockReservation(orderId: string): Promise<LockedReservation | undefined> {
    const { rows } = await this.sql.query<ReservationRow>(
      `SELECT ${reservationColumns}, expires_at <= now() AS expired
       FROM inventory_reservations WHERE order_id = $1
       ORDER BY product_id FOR UPDATE`,
      [orderId],
    );
    const [reservation] = toReservations(rows);
    return reservation ? { ...reservation, expired: rows.some((row) => row.expired === true) } : undefined;
  }

  async lockExpiredReservations(orderIds: string[]): Promise<Reservation[]> {
    // A row another sweep (or a commit) changed while this one waited is re-checked against the WHERE and skipped.
    const { rows } = await this.sql.query<ReservationRow>(
      `SELECT ${reservationColumns}
       FROM inventory_reservations
       WHERE order_id = ANY($1::text[]) AND status = 'reserved' AND expires_at <= now()
       ORDER BY order_id, product_id FOR UPDATE`,
      [orderIds],
    );
    return toReservations(rows);
  }

  async findProductsForSale(productIds: string[], currency?: string): Promise<Map<string, ProductForSale>> {
    // Priced from the price list in the order's currency; a product without a price in it keeps its own (the order
    // service then refuses the mixed currencies rather than charging a price the shopper never saw).
    const { rows } = await this.sql.query<{ id: string; sku: string; name: string; price_amount: number; price_currency: string; status: ProductStatus }>(
      `SELECT p.id, p.sku, p.name, coalesce(pp.amount_minor, p.price_amount) AS price_amount, coalesce(pp.currency, p.price_currency) AS price_currency, p.status
       FROM products p LEFT JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = $2
       WHERE p.id = ANY($1::uuid[])`,
      [productIds, currency ?? null],
    );
    return new Map(rows.map((row) => [row.id, { id: row.id, sku: row.sku, name: row.name, price: { amount: Number(row.price_amount), currency: row.price_currency }, status: row.status }]));
  }

  async insertReservation(orderId: string, lines: ReservationLine[], ttlSeconds: number): Promise<Date> {
    try {
      const { rows } = await this.sql.query<{ expires_at: Date }>(
        `INSERT INTO inventory_reservations (order_id, product_id, sku, name, unit_price_amount, unit_price_currency, quantity, status, expires_at)
         SELECT $1, l.product_id, l.sku, l.name, l.amount, l.currency, l.quantity, 'reserved', now() + $8::int * interval '1 second'
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::int[]) AS l (product_id, sku, name, amount, currency, quantity)
         ORDER BY l.product_id
         RETURNING expires_at`,
        [
          orderId,
          lines.map((line) => line.productId),
          lines.map((line) => line.sku),
          lines.map((line) => line.name),
          lines.map((line) => line.unitPrice.amount),
          lines.map((line) => line.unitPrice.currency),
          lines.map((line) => line.quantity),
          ttlSeconds,
        ],
      );
      return new Date(rows[0].expires_at);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(`order ${orderId} already has a reservation`, { cause: error });
      throw error;
    }
  }

  async reserveUnits(line: RequestedLine): Promise<StockAfterChange | undefined> {
    // The snapshot rides in the same statement: one insert more on the hot row's path, no round trip.
    const { rows } = await this.sql.query<StockRow>(
      `WITH changed AS (
         UPDATE inventory i SET reserved = i.reserved + $2, updated_at = now()
         FROM products p
         WHERE i.product_id = $1 AND p.id = i.product_id AND p.status = 'active' AND i.on_hand - i.reserved >= $2
         RETURNING i.product_id, p.sku, i.on_hand, i.reserved, i.updated_at AS at, p.price_amount, p.price_currency, i.on_hand - i.reserved AS available
       )${appendSnapshotsCte('changed', 'reservation')}
       SELECT product_id, sku, on_hand, reserved FROM changed`,
      [line.productId, line.quantity],
    );
    return rows[0] ? toStock(rows[0]) : undefined;
  }

  async adjustStock(productId: string, delta: { onHand: number; reserved: number }, source: StockChangeSource): Promise<StockAfterChange> {
    // A sale moves on hand and reserved alike: availability stays, so it appends no snapshot.
    const { rows } = await this.sql.query<StockRow>(
      `WITH changed AS (
         UPDATE inventory i SET on_hand = i.on_hand + $2, reserved = i.reserved + $3, updated_at = now()
         FROM products p
         WHERE i.product_id = $1 AND p.id = i.product_id
         RETURNING i.product_id, p.sku, i.on_hand, i.reserved, i.updated_at AS at, p.price_amount, p.price_currency, i.on_hand - i.reserved AS available
       )${appendSnapshotsCte('changed', source, '$2::int <> $3::int')}
       SELECT product_id, sku, on_hand, reserved FROM changed`,
      [productId, delta.onHand, delta.reserved],
    );
    if (!rows[0]) throw new Error(`product ${productId} has no inventory row`);
    return toStock(rows[0]);
  }

  async setReservationStatus(orderIds: string[], status: ReservationStatus): Promise<void> {
    await this.sql.query('UPDATE inventory_reservations SET status = $2, updated_at = now() WHERE order_id = ANY($1::text[])', [orderIds, status]);
  }

  enqueueInventoryEvent(event: InventoryEvent): Promise<void> {
    return outbox.enqueueInventoryEvent(this.sql, event);
  }
}

/** Rows ordered by order id then product id, as one reservation per order. */
function toReservations(rows: ReservationRow[]): Reservation[] {
  const byOrder = new Map<string, Reservation>();
  for (const row of rows) {
    const line: ReservationLine = {
      productId: row.product_id,
      sku: row.sku,
      name: row.name,
      unitPrice: { amount: Number(row.unit_price_amount), currency: row.unit_price_currency },
      quantity: Number(row.quantity),
    };
    const reservation = byOrder.get(row.order_id);
    if (reservation) reservation.lines.push(line);
    else byOrder.set(row.order_id, { orderId: row.order_id, status: row.status, expiresAt: new Date(row.expires_at), lines: [line] });
  }
  return [...byOrder.values()];
}

function toStock(row: StockRow): StockAfterChange {
  return { productId: row.product_id, sku: row.sku, onHand: Number(row.on_hand), reserved: Number(row.reserved) };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
