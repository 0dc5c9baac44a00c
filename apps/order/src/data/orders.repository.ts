import { Topics } from '@shop/contracts';
import { enqueueEvent } from '@shop/outbox';
import type { Database, SqlExecutor } from '@shop/postgres';
import type { Order, OrderLine, OrderStatusChange, ShippingAddress, StoredPaymentMethod } from '../domain/order';
import { orderEventData } from '../domain/order-events';
import { assertTransition, canTransition, CheckoutStatuses, eventTypeOfTransition, OrderStatuses, type OrderStatus } from '../domain/order-status';
import type { StoredCheckoutOutcome } from '../domain/checkout-outcome';
import type { AdminOrderFilter, IdempotencyRecord, NewOrder, OrderPage, OrderRepository, ReadFrom, TransitionChanges } from '../domain/ports';
import { outcomeOfLegacyAnswer } from './legacy-checkout-answer';
import { AppError } from '@shop/kernel';

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  total: number;
  shipping_address: ShippingAddress;
  payment_method: StoredPaymentMethod;
  payment_id: string | null;
  failure_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface LineRow {
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  unit_price: number;
  quantity: number;
  line_total: number;
}

const orderColumns = 'id, user_id, status, currency, subtotal, total, shipping_address, payment_method, payment_id, failure_reason, version, created_at, updated_at';
const qualifiedOrderColumns = orderColumns
  .split(', ')
  .map((column) => `o.${column}`)
  .join(', ');

/** A line as the transition statement aggregates it (json_agg). */
type LineJson = Omit<LineRow, 'order_id'>;

/** Statuses from which the state machine allows `to`. */
function statusesThatMayBecome(to: OrderStatus): OrderStatus[] {
  return OrderStatuses.filter((from) => canTransition(from, to));
}

/** True when some transition into `to` publishes an event. */
function mayPublish(to: OrderStatus): boolean {
  return OrderStatuses.some((from) => canTransition(from, to) && eventTypeOfTransition(from, to) !== undefined);
}

/**
 * The checkout's statuses as an SQL list, from the one list in the domain. Written into the query text (they are
 * constants, not input) so the planner matches the partial index `orders_in_checkout_idx` with the same predicate.
 */
const checkoutStatusList = CheckoutStatuses.map((status) => `'${status}'`).join(', ');

interface IdempotencyRow {
  request_hash: string;
  order_id: string | null;
  outcome: string | null;
  /** The previous release's HTTP-shaped answer (see migration 003). */
  response_status: number | null;
  response_body: string | null;
}

/** The OrderRepository on PostgreSQL / PGlite. */
export class SqlOrderRepository implements OrderRepository {
  constructor(
    private readonly db: Database,
    /** Told after a commit that wrote outbox events (nudges the relay). */
    private readonly onEventsWritten: () => void = () => undefined,
    /**
     * When orders are placed and change status (created_at, the history's times); default the database's clock. The
     * demo history seed dates them in the past. updated_at stays the database's: the recovery measures staleness by it.
     */
    private readonly now?: () => Date,
  ) {}

  /** The time to stamp, or null for the database's now(). */
  private stamp(): Date | null {
    return this.now ? this.now() : null;
  }

  async findIdempotencyKey(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.db.query<IdempotencyRow>(
      'SELECT request_hash, order_id, outcome, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { requestHash: row.request_hash, orderId: row.order_id, outcome: storedOutcomeOf(row) };
  }

  async createPendingOrder(order: NewOrder, idempotency: { key: string; requestHash: string }): Promise<Order | undefined> {
    // One statement, so one round trip and atomic without a transaction: the key is claimed and, only when the claim
    // inserted a row, the order, its lines and its first history row go in with it. A concurrent insert of the same
    // key waits for the other statement and then claims nothing, which leaves every other part empty. The foreign
    // keys between the parts are checked at the end of the statement, when all of them are there.
    const { rows } = await this.db.query<OrderRow>(
      `WITH claim AS (
         INSERT INTO idempotency_keys (user_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING order_id
       ), placed AS (
         INSERT INTO orders (id, user_id, status, currency, subtotal, total, shipping_address, payment_method, created_at, updated_at)
         SELECT order_id, $1, 'pending', $5, $6, $6, $7::jsonb, $8::jsonb,
           date_trunc('milliseconds', coalesce($16::timestamptz, now())), now() FROM claim
         RETURNING ${orderColumns}
       ), lines AS (
         INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price, quantity, line_total)
         SELECT placed.id, l.line_no, l.product_id, l.sku, l.name, l.unit_price, l.quantity, l.line_total
         FROM placed, unnest($9::int[], $10::text[], $11::text[], $12::text[], $13::int[], $14::int[], $15::int[])
           AS l (line_no, product_id, sku, name, unit_price, quantity, line_total)
       ), history AS (
         INSERT INTO order_status_history (order_id, from_status, to_status, reason, at) SELECT id, NULL, 'pending', 'checkout_started', coalesce($16::timestamptz, now()) FROM placed
       )
       SELECT * FROM placed`,
      [
        order.userId,
        idempotency.key,
        idempotency.requestHash,
        order.id,
        order.currency,
        order.subtotal.amount,
        JSON.stringify(order.shippingAddress),
        JSON.stringify(order.paymentMethod),
        ...lineColumns(order.lines),
        this.stamp(),
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    return toOrder(row, order.lines.map((line) => lineRowOf(order.id, line)));
  }

  async saveCheckoutOutcome(target: { userId: string; key: string } | { orderId: string }, outcome: StoredCheckoutOutcome): Promise<void> {
    const json = JSON.stringify(outcome);
    // Only the new shape is written; clearing the old columns leaves one answer per row.
    if ('orderId' in target) {
      await this.db.query(
        `UPDATE idempotency_keys SET outcome = $2, response_status = NULL, response_body = NULL
         WHERE order_id = $1
           AND (outcome IS NULL OR outcome::jsonb ->> 'kind' = 'processing')
           AND (response_status IS NULL OR response_status = 202)`,
        [target.orderId, json],
      );
      return;
    }
    await this.db.query('UPDATE idempotency_keys SET outcome = $3, response_status = NULL, response_body = NULL WHERE user_id = $1 AND key = $2', [target.userId, target.key, json]);
  }

  async forgetIdempotencyKey(userId: string, key: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key]);
  }

  async findOrder(orderId: string, options: { from: ReadFrom } = { from: 'primary' }): Promise<Order | undefined> {
    return loadOrder(this.executorFor(options.from), orderId);
  }

  async history(orderId: string, options: { from: ReadFrom } = { from: 'primary' }): Promise<OrderStatusChange[]> {
    const { rows } = await this.executorFor(options.from).query<{ from_status: OrderStatus | null; to_status: OrderStatus; reason: string | null; at: Date }>(
      'SELECT from_status, to_status, reason, at FROM order_status_history WHERE order_id = $1 ORDER BY id',
      [orderId],
    );
    return rows.map((row) => ({ from: row.from_status, to: row.to_status, reason: row.reason, at: new Date(row.at).toISOString() }));
  }

  async transition(orderId: string, to: OrderStatus, changes: TransitionChanges = {}): Promise<Order> {
    // Lock, status check, update and history row in one statement: the row is locked first (FOR UPDATE returns its
    // latest version after any concurrent writer), and the update applies only from a status the state machine
    // allows. The event of the transition needs the order as updated, so it follows in the same transaction; a
    // transition without an event and without new lines is that one statement alone.
    const transitionStatement = async (sql: SqlExecutor) => {
      const { rows } = await sql.query<OrderRow & { from_status: OrderStatus; lines: LineJson[] }>(
        `WITH before AS (
           SELECT id, status FROM orders WHERE id = $1 FOR UPDATE
         ), changed AS (
           UPDATE orders o SET status = $2, version = o.version + 1, updated_at = now(),
             subtotal = coalesce($3, o.subtotal), total = coalesce($3, o.total),
             payment_id = coalesce($4, o.payment_id), failure_reason = coalesce($5, o.failure_reason)
           FROM before WHERE o.id = before.id AND before.status = ANY($6::text[])
           RETURNING ${qualifiedOrderColumns}, before.status AS from_status
         ), history AS (
           INSERT INTO order_status_history (order_id, from_status, to_status, reason, at) SELECT id, from_status, $2, $7, coalesce($8::timestamptz, now()) FROM changed
         )
         SELECT changed.*,
           (SELECT coalesce(json_agg(json_build_object('product_id', product_id, 'sku', sku, 'name', name, 'unit_price', unit_price,
                     'quantity', quantity, 'line_total', line_total) ORDER BY line_no), '[]'::json)
            FROM order_lines WHERE order_id = $1) AS lines
         FROM changed`,
        [orderId, to, changes.subtotal?.amount ?? null, changes.paymentId ?? null, changes.failureReason ?? null, statusesThatMayBecome(to), changes.reason ?? null, this.stamp()],
      );
      const row = rows[0];
      if (!row) {
        // Nothing changed: no such order, or one whose status may not become `to` (assertTransition says which).
        const current = await sql.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = $1', [orderId]);
        if (!current.rows[0]) throw new AppError('not_found', 'No such order');
        assertTransition(current.rows[0].status, to);
        throw new AppError('conflict', `The order could not become ${to}`);
      }
      const updated = toOrder(row, row.lines.map((line) => ({ ...line, order_id: orderId })));
      return { updated, type: eventTypeOfTransition(row.from_status, to) };
    };

    const withEvent = async (sql: SqlExecutor) => {
      const { updated, type } = await transitionStatement(sql);
      if (type) await enqueueEvent(sql, Topics.orders, { type, subject: orderId, data: orderEventData(type, updated, changes.reason) });
      return { order: updated, wroteEvent: type !== undefined };
    };

    // Whether a transition publishes depends on where it comes from, which only the locked row tells: a target that
    // never publishes from anywhere runs as the single statement, every other one in a transaction.
    const { order, wroteEvent } =
      changes.lines || mayPublish(to)
        ? await this.db.transaction(async (tx) => {
            if (changes.lines) {
              await tx.query('DELETE FROM order_lines WHERE order_id = $1', [orderId]);
              await insertLines(tx, orderId, changes.lines);
            }
            return withEvent(tx);
          })
        : await withEvent(this.db);
    if (wroteEvent) this.onEventsWritten();
    return order;
  }

  async listByUser(userId: string, page: { limit: number; cursor?: string }): Promise<OrderPage> {
    return this.page({ userId }, page);
  }

  async search(filter: AdminOrderFilter, page: { limit: number; cursor?: string }): Promise<OrderPage> {
    return this.page(filter, page);
  }

  async claimStaleCheckouts(options: { staleAfterMs: number; leaseMs: number; limit: number }): Promise<Order[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE orders SET recovery_lease_until = now() + $2 * interval '1 millisecond', recovery_attempts = recovery_attempts + 1
       WHERE id IN (
         SELECT id FROM orders
         WHERE status IN (${checkoutStatusList})
           AND updated_at <= now() - $1 * interval '1 millisecond'
           AND (recovery_lease_until IS NULL OR recovery_lease_until < now())
         ORDER BY updated_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [options.staleAfterMs, options.leaseMs, options.limit],
    );
    const orders = await Promise.all(rows.map((row) => loadOrder(this.db, row.id)));
    return orders.filter((order): order is Order => order !== undefined);
  }

  /** The primary, or the read pool (`readQuery`) as an executor. */
  private executorFor(from: ReadFrom): SqlExecutor {
    return from === 'primary' ? this.db : { query: (sql, params) => this.db.readQuery(sql, params) };
  }

  private async page(filter: AdminOrderFilter, page: { limit: number; cursor?: string }): Promise<OrderPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.userId) where.push(`user_id = ${param(filter.userId)}`);
    if (filter.status) where.push(`status = ${param(filter.status)}`);
    if (filter.from) where.push(`created_at >= ${param(filter.from)}::timestamptz`);
    if (filter.to) where.push(`created_at < ${param(filter.to)}::timestamptz`);
    if (page.cursor) {
      const after = decodeCursor(page.cursor);
      where.push(`(created_at, id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)}::uuid)`);
    }
    const { rows } = await this.db.readQuery<OrderRow>(
      `SELECT ${orderColumns} FROM orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${param(page.limit + 1)}`,
      params,
    );
    const pageRows = rows.slice(0, page.limit);
    // From the same pool as the orders: the replica has the lines of every order it has (one transaction wrote both).
    const lines = await loadLines(this.executorFor('read pool'), pageRows.map((row) => row.id));
    const items = pageRows.map((row) => toOrder(row, lines.get(row.id) ?? []));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > page.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }
}

/**
 * The outcome a key holds, in either shape: the outcome JSON, or the previous release's answer. A final outcome wins
 * over `processing` whichever shape holds it: during a rollout, a replica of the previous release may settle an order
 * (its recovery writes the old columns) whose key a new replica had stored as processing.
 */
function storedOutcomeOf(row: IdempotencyRow): StoredCheckoutOutcome | null {
  // Our own column, written only by saveCheckoutOutcome from a StoredCheckoutOutcome.
  const current = row.outcome === null ? undefined : (JSON.parse(row.outcome) as StoredCheckoutOutcome);
  const legacy = row.response_status === null ? undefined : (outcomeOfLegacyAnswer(row.response_status, row.response_body, row.order_id) ?? processingOf(row.order_id));
  return [current, legacy].find((outcome) => outcome !== undefined && outcome.kind !== 'processing') ?? current ?? legacy ?? null;
}

/** An answer that cannot be placed counts as still processing: the order (at its Location) tells the truth. */
function processingOf(orderId: string | null): StoredCheckoutOutcome | undefined {
  return orderId ? { kind: 'processing', orderId } : undefined;
}

async function insertLines(tx: SqlExecutor, orderId: string, lines: readonly OrderLine[]): Promise<void> {
  await tx.query(
    `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price, quantity, line_total)
     SELECT $1, l.line_no, l.product_id, l.sku, l.name, l.unit_price, l.quantity, l.line_total
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[]) AS l (line_no, product_id, sku, name, unit_price, quantity, line_total)`,
    [orderId, ...lineColumns(lines)],
  );
}

/** The lines as one array per column (line numbers from 1), for an INSERT ... SELECT FROM unnest(...). */
function lineColumns(lines: readonly OrderLine[]): [number[], string[], string[], string[], number[], number[], number[]] {
  return [
    lines.map((_, index) => index + 1),
    lines.map((line) => line.productId),
    lines.map((line) => line.sku),
    lines.map((line) => line.name),
    lines.map((line) => line.unitPrice.amount),
    lines.map((line) => line.quantity),
    lines.map((line) => line.lineTotal.amount),
  ];
}

function lineRowOf(orderId: string, line: OrderLine): LineRow {
  return {
    order_id: orderId,
    product_id: line.productId,
    sku: line.sku,
    name: line.name,
    unit_price: line.unitPrice.amount,
    quantity: line.quantity,
    line_total: line.lineTotal.amount,
  };
}

async function loadOrder(sql: SqlExecutor, orderId: string): Promise<Order | undefined> {
  const { rows } = await sql.query<OrderRow>(`SELECT ${orderColumns} FROM orders WHERE id = $1`, [orderId]);
  const row = rows[0];
  if (!row) return undefined;
  const lines = await loadLines(sql, [orderId]);
  return toOrder(row, lines.get(orderId) ?? []);
}

async function loadLines(sql: SqlExecutor, orderIds: string[]): Promise<Map<string, LineRow[]>> {
  const byOrder = new Map<string, LineRow[]>();
  if (orderIds.length === 0) return byOrder;
  const { rows } = await sql.query<LineRow>(
    'SELECT order_id, product_id, sku, name, unit_price, quantity, line_total FROM order_lines WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no',
    [orderIds],
  );
  for (const row of rows) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row]);
  return byOrder;
}

function toOrder(row: OrderRow, lines: LineRow[]): Order {
  const money = (amount: number) => ({ amount: Number(amount), currency: row.currency });
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    currency: row.currency,
    subtotal: money(row.subtotal),
    total: money(row.total),
    lines: lines.map((line) => ({
      productId: line.product_id,
      sku: line.sku,
      name: line.name,
      unitPrice: money(line.unit_price),
      quantity: Number(line.quantity),
      lineTotal: money(line.line_total),
    })),
    shippingAddress: row.shipping_address,
    paymentMethod: row.payment_method,
    paymentId: row.payment_id,
    failureReason: row.failure_reason,
    version: Number(row.version),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Page cursors are opaque to clients: base64url of the last item's (createdAt, id). */
function encodeCursor(after: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([after.createdAt, after.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)) && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) return { createdAt, id };
  } catch {
    // falls through to the error below
  }
  throw new AppError('invalid', 'The cursor is not one this API issued', { fields: [{ field: 'query.cursor', message: 'invalid cursor' }] });
}
