import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { InMemoryEventBus, InMemoryRateLimiter, InMemoryStateStore } from '@shop/building-blocks';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { CatalogInternalPaths, EventTypes, Topics, commitReservationReplyOf, reservationViewSchema, reserveStockReplyOf, type ReservationView } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import type { BuildingBlocks } from '@shop/service-runtime';
import { describeEachDatabase, eventually } from '@shop/testing';
import type { Database } from '@shop/postgres';
import { startCatalogService } from '../src/composition';
import { loadCatalogConfig } from '../src/config';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

const admin = `Bearer ${tokens.admin}`;

type ReservationBody = ReservationView;

describeEachDatabase<Database>('catalog stock reservations', catalogDatabases, (getDb, kind) => {
  let harness: CatalogHarness;
  let server: Server;
  /** One listening server for the concurrent tests (supertest on the bare app would start one per request). */
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    harness = await buildHarness(getDb());
    server = harness.catalog.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    http = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await harness?.close();
  });

  /** An active product with `onHand` units; overrides go to the product body. */
  async function stockedProduct(onHand: number, overrides: Record<string, unknown> = {}): Promise<{ id: string; sku: string }> {
    const { body, etag } = await createProduct(harness, overrides);
    await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', etag).send({ onHand }).expect(200);
    return { id: body.id, sku: body.sku };
  }

  function reserve(body: Record<string, unknown>) {
    return http.post(CatalogInternalPaths.reservations).send(body);
  }

  async function stockOf(productId: string): Promise<{ onHand: number; reserved: number }> {
    const { rows } = await harness.db.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM inventory WHERE product_id = $1', [productId]);
    return { onHand: Number(rows[0].on_hand), reserved: Number(rows[0].reserved) };
  }

  async function reservationRows(orderId: string): Promise<Array<{ product_id: string; status: string; quantity: number }>> {
    const { rows } = await harness.db.query<{ product_id: string; status: string; quantity: number }>(
      'SELECT product_id, status, quantity FROM inventory_reservations WHERE order_id = $1 ORDER BY product_id',
      [orderId],
    );
    return rows;
  }

  async function expire(orderIds: string[]): Promise<void> {
    await harness.db.query(`UPDATE inventory_reservations SET expires_at = now() - interval '1 minute' WHERE order_id = ANY($1::text[])`, [orderIds]);
  }

  async function inventoryEvents(type: string, subject?: string) {
    await harness.flushEvents();
    return harness.received.get(Topics.inventory)!.filter((event) => event.type === type && (subject === undefined || event.subject === subject));
  }

  describe('reserve, commit and release', () => {
    it('when an order reserves and then commits, then reserved rises first and on hand and reserved fall together on commit', async () => {
      const product = await stockedProduct(10, { price: { amount: 2500, currency: 'EUR' }, name: 'Kettle' });
      const orderId = randomUUID();
      const reserved = await reserve({ orderId, lines: [{ productId: product.id, quantity: 3 }] }).expect(201);
      expect(reserved.headers['cache-control']).toBe('no-store');
      const body = reservationViewSchema.parse(reserved.body);
      expect(reserveStockReplyOf(reserved.status, reserved.body)).toEqual({ kind: 'reserved', created: true, reservation: body });
      expect(body).toEqual({
        orderId,
        status: 'reserved',
        expiresAt: expect.any(String),
        lines: [{ productId: product.id, sku: product.sku, name: 'Kettle', unitPrice: { amount: 2500, currency: 'EUR' }, quantity: 3 }],
      });
      const ttlMs = new Date(body.expiresAt!).getTime() - Date.now();
      expect(ttlMs).toBeGreaterThan(880_000);
      expect(ttlMs).toBeLessThanOrEqual(900_000 + 5_000);
      expect(await stockOf(product.id)).toEqual({ onHand: 10, reserved: 3 });

      const committed = await http.post(CatalogInternalPaths.commitReservation(orderId)).expect(200);
      expect(committed.body).toEqual({ ...body, status: 'committed' });
      expect(await stockOf(product.id)).toEqual({ onHand: 7, reserved: 0 });

      // Idempotent: committing again changes nothing and answers the same body.
      const again = await http.post(CatalogInternalPaths.commitReservation(orderId)).expect(200);
      expect(again.body).toEqual(committed.body);
      expect(await stockOf(product.id)).toEqual({ onHand: 7, reserved: 0 });

      // The admin representation shows the figures as they are.
      const adminView = await harness.http.get(`/api/catalog/admin/products/${product.id}`).set('Authorization', admin).expect(200);
      expect(adminView.body).toMatchObject({ inventory: { onHand: 7, reserved: 0 }, availability: { available: 7, inStock: true } });
    });

    it('when an order reserves and then releases, then the units are available again and releasing twice changes nothing', async () => {
      const product = await stockedProduct(5);
      const orderId = randomUUID();
      await reserve({ orderId, lines: [{ productId: product.id, quantity: 2 }] }).expect(201);
      const released = await http.post(CatalogInternalPaths.releaseReservation(orderId)).expect(200);
      expect(released.body).toMatchObject({ orderId, status: 'released', lines: [{ productId: product.id, quantity: 2 }] });
      expect(await stockOf(product.id)).toEqual({ onHand: 5, reserved: 0 });
      const again = await http.post(CatalogInternalPaths.releaseReservation(orderId)).expect(200);
      expect(again.body).toEqual(released.body);
      expect(await stockOf(product.id)).toEqual({ onHand: 5, reserved: 0 });

      // A released reservation can be neither committed nor reserved again under the same order id.
      const commit = await http.post(CatalogInternalPaths.commitReservation(orderId)).expect(409);
      expect(commit.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(commit.body).toMatchObject({ status: 409, reservationStatus: 'released', orderId });
      expect(commitReservationReplyOf(commit.status, commit.body)).toEqual({ kind: 'released', reservationStatus: 'released' });
      const rereserve = await reserve({ orderId, lines: [{ productId: product.id, quantity: 2 }] }).expect(409);
      expect(rereserve.body).toMatchObject({ reservationStatus: 'released' });
      expect(reserveStockReplyOf(rereserve.status, rereserve.body)).toEqual({ kind: 'released', reservationStatus: 'released' });
      expect(await stockOf(product.id)).toEqual({ onHand: 5, reserved: 0 });

      const events = await inventoryEvents(EventTypes.inventoryReleased, orderId);
      expect(events.map((event) => event.data)).toEqual([{ orderId, lines: [{ productId: product.id, quantity: 2 }], reason: 'released' }]);
    });

    it('when a committed order is released, then its units go back on hand once and the status is returned', async () => {
      const product = await stockedProduct(4);
      const orderId = randomUUID();
      await reserve({ orderId, lines: [{ productId: product.id, quantity: 3 }] }).expect(201);
      await http.post(CatalogInternalPaths.commitReservation(orderId)).expect(200);
      expect(await stockOf(product.id)).toEqual({ onHand: 1, reserved: 0 });
      const returned = await http.post(CatalogInternalPaths.releaseReservation(orderId)).expect(200);
      expect(returned.body).toMatchObject({ status: 'returned' });
      await http.post(CatalogInternalPaths.releaseReservation(orderId)).expect(200);
      expect(await stockOf(product.id)).toEqual({ onHand: 4, reserved: 0 });
      expect((await http.post(CatalogInternalPaths.commitReservation(orderId)).expect(409)).body).toMatchObject({ reservationStatus: 'returned' });
      const events = await inventoryEvents(EventTypes.inventoryReleased, orderId);
      expect(events.map((event) => (event.data as { reason: string }).reason)).toEqual(['returned']);
    });

    it('when an unknown order is committed, then 404; when it is released, then 200 with status none and nothing changes', async () => {
      const orderId = randomUUID();
      const commit = await http.post(CatalogInternalPaths.commitReservation(orderId)).expect(404);
      expect(commit.headers['content-type']).toMatch(/application\/problem\+json/);
      const release = await http.post(CatalogInternalPaths.releaseReservation(orderId)).expect(200);
      expect(release.body).toEqual({ orderId, status: 'none', expiresAt: null, lines: [] });
      expect(await reservationRows(orderId)).toEqual([]);
    });
  });

  describe('expiry', () => {
    it('when reservations expire, then release-expired frees their units once and a second run changes nothing', async () => {
      const product = await stockedProduct(10);
      const orders = [randomUUID(), randomUUID()];
      for (const orderId of orders) await reserve({ orderId, lines: [{ productId: product.id, quantity: 2 }], ttlSeconds: 30 }).expect(201);
      const live = await reserve({ orderId: randomUUID(), lines: [{ productId: product.id, quantity: 1 }], ttlSeconds: 30 }).expect(201);
      expect(await stockOf(product.id)).toEqual({ onHand: 10, reserved: 5 });
      await expire(orders);

      const first = await http.post(CatalogInternalPaths.releaseExpiredReservations).expect(200);
      expect(first.body).toEqual({ released: 2 });
      expect(await stockOf(product.id)).toEqual({ onHand: 10, reserved: 1 });
      const second = await http.post(CatalogInternalPaths.releaseExpiredReservations).expect(200);
      expect(second.body).toEqual({ released: 0 });
      expect(await stockOf(product.id)).toEqual({ onHand: 10, reserved: 1 });

      // The expired order can no longer be committed (the order refunds); the live one still can.
      await http.post(CatalogInternalPaths.commitReservation(orders[0])).expect(409);
      await http.post(CatalogInternalPaths.commitReservation((live.body as ReservationBody).orderId)).expect(200);
      for (const orderId of orders) {
        const events = await inventoryEvents(EventTypes.inventoryReleased, orderId);
        expect(events.map((event) => event.data)).toEqual([{ orderId, lines: [{ productId: product.id, quantity: 2 }], reason: 'expired' }]);
      }
    });

    it('when an expired reservation is committed before any sweep, then it is released as expired and the answer is 409 released', async () => {
      const product = await stockedProduct(3);
      const orderId = randomUUID();
      await reserve({ orderId, lines: [{ productId: product.id, quantity: 3 }], ttlSeconds: 30 }).expect(201);
      await expire([orderId]);
      const response = await http.post(CatalogInternalPaths.commitReservation(orderId)).expect(409);
      expect(response.body).toMatchObject({ orderId, reservationStatus: 'released' });
      expect(await stockOf(product.id)).toEqual({ onHand: 3, reserved: 0 });
      expect(await reservationRows(orderId)).toEqual([expect.objectContaining({ status: 'released' })]);
      const events = await inventoryEvents(EventTypes.inventoryReleased, orderId);
      expect(events.map((event) => (event.data as { reason: string }).reason)).toEqual(['expired']);
    });

    it('when two release-expired runs overlap, then each expired order is released exactly once', async () => {
      const product = await stockedProduct(20);
      const orders = Array.from({ length: 6 }, () => randomUUID());
      for (const orderId of orders) await reserve({ orderId, lines: [{ productId: product.id, quantity: 2 }], ttlSeconds: 30 }).expect(201);
      await expire(orders);
      const runs = await Promise.all([http.post(CatalogInternalPaths.releaseExpiredReservations), http.post(CatalogInternalPaths.releaseExpiredReservations)]);
      expect(runs.map((run) => run.status)).toEqual([200, 200]);
      expect(runs.reduce((sum, run) => sum + (run.body as { released: number }).released, 0)).toBe(6);
      expect(await stockOf(product.id)).toEqual({ onHand: 20, reserved: 0 });
      const events = await inventoryEvents(EventTypes.inventoryReleased);
      for (const orderId of orders) expect(events.filter((event) => event.subject === orderId)).toHaveLength(1);
    });
  });

  describe('all or nothing', () => {
    it('when the second line lacks stock, then nothing is reserved for the first either and 409 lists the line with what is available', async () => {
      const plenty = await stockedProduct(10);
      const scarce = await stockedProduct(2);
      const orderId = randomUUID();
      const response = await reserve({
        orderId,
        lines: [
          { productId: plenty.id, quantity: 4 },
          { productId: scarce.id, quantity: 3 },
        ],
      }).expect(409);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'urn:shop:problem:conflict', outOfStock: [{ productId: scarce.id, requested: 3, available: 2 }] });
      expect(response.body.outOfStock).toHaveLength(1);
      expect(reserveStockReplyOf(response.status, response.body)).toEqual({ kind: 'out_of_stock', outOfStock: [{ productId: scarce.id, requested: 3, available: 2 }] });
      expect(await stockOf(plenty.id)).toEqual({ onHand: 10, reserved: 0 });
      expect(await stockOf(scarce.id)).toEqual({ onHand: 2, reserved: 0 });
      expect(await reservationRows(orderId)).toEqual([]);
      expect(await inventoryEvents(EventTypes.inventoryReserved, orderId)).toEqual([]);
      // The order id was not used up: the same order can reserve what there is.
      await reserve({ orderId, lines: [{ productId: scarce.id, quantity: 2 }] }).expect(201);
    });

    it('when a product is unknown or not active, then 422 lists it and nothing is reserved', async () => {
      const active = await stockedProduct(5);
      const draft = await stockedProduct(5, { status: 'draft' });
      const unknown = randomUUID();
      const response = await reserve({
        orderId: randomUUID(),
        lines: [
          { productId: active.id, quantity: 1 },
          { productId: draft.id, quantity: 1 },
          { productId: unknown, quantity: 1 },
        ],
      }).expect(422);
      expect([...(response.body.unavailable as string[])].sort()).toEqual([draft.id, unknown].sort());
      expect(reserveStockReplyOf(response.status, response.body)).toMatchObject({ kind: 'unavailable' });
      expect(await stockOf(active.id)).toEqual({ onHand: 5, reserved: 0 });
    });
  });

  describe('idempotency', () => {
    it('when the same order reserves twice, then there is one reservation and the second answer is 200 with the identical body', async () => {
      const product = await stockedProduct(10);
      const orderId = randomUUID();
      const body = { orderId, lines: [{ productId: product.id, quantity: 2 }] };
      const first = await reserve(body).expect(201);
      // A later price change does not change the snapshot the order was priced with.
      const { body: current, etag } = await adminProductWithEtag(product.id);
      await harness.http.patch(`/api/catalog/products/${current.id}`).set('Authorization', admin).set('If-Match', etag).send({ price: { amount: 1 } }).expect(200);
      const second = await reserve(body).expect(200);
      expect(second.body).toEqual(first.body);
      expect(await stockOf(product.id)).toEqual({ onHand: 10, reserved: 2 });
      expect(await inventoryEvents(EventTypes.inventoryReserved, orderId)).toHaveLength(1);
    });

    it('when an order id is reused with other lines, then 422 and nothing changes', async () => {
      const product = await stockedProduct(10);
      const orderId = randomUUID();
      await reserve({ orderId, lines: [{ productId: product.id, quantity: 2 }] }).expect(201);
      const response = await reserve({ orderId, lines: [{ productId: product.id, quantity: 5 }] }).expect(422);
      expect(response.body).toMatchObject({ orderId, reservation: { status: 'reserved', lines: [{ quantity: 2 }] } });
      expect(reserveStockReplyOf(response.status, response.body)).toMatchObject({ kind: 'other_lines', reservation: { orderId, status: 'reserved' } });
      expect(await stockOf(product.id)).toEqual({ onHand: 10, reserved: 2 });
    });

    it('when 10 identical requests arrive at once, then exactly one reservation is made and the stock is counted once', async () => {
      const product = await stockedProduct(10);
      const orderId = randomUUID();
      const body = { orderId, lines: [{ productId: product.id, quantity: 3 }] };
      const responses = await Promise.all(Array.from({ length: 10 }, () => reserve(body)));
      expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      for (const response of responses) expect(response.body).toEqual(responses[0].body);
      expect(await stockOf(product.id)).toEqual({ onHand: 10, reserved: 3 });
      expect(await reservationRows(orderId)).toEqual([{ product_id: product.id, status: 'reserved', quantity: 3 }]);
      expect(await inventoryEvents(EventTypes.inventoryReserved, orderId)).toHaveLength(1);
    });
  });

  describe('concurrency', () => {
    it(`when 200 orders race for the last 20 units (flash sale on ${kind}), then exactly 20 win, none oversells, and committing them empties the stock`, async () => {
      const product = await stockedProduct(20);
      const orders = Array.from({ length: 200 }, () => randomUUID());
      const responses = await Promise.all(orders.map((orderId) => reserve({ orderId, lines: [{ productId: product.id, quantity: 1 }] })));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(20);
      expect(statuses.filter((s) => s === 409)).toHaveLength(180);
      const refused = responses.find((r) => r.status === 409)!;
      expect(refused.body.outOfStock).toEqual([{ productId: product.id, requested: 1, available: 0 }]);
      expect(await stockOf(product.id)).toEqual({ onHand: 20, reserved: 20 });
      const { rows } = await harness.db.query<{ count: number }>('SELECT count(*) AS count FROM inventory_reservations WHERE product_id = $1', [product.id]);
      expect(Number(rows[0].count)).toBe(20);

      const winners = orders.filter((_, index) => responses[index].status === 201);
      const commits = await Promise.all(winners.map((orderId) => http.post(CatalogInternalPaths.commitReservation(orderId))));
      expect(commits.map((c) => c.status)).toEqual(winners.map(() => 200));
      expect(await stockOf(product.id)).toEqual({ onHand: 0, reserved: 0 });
      const lows = await inventoryEvents(EventTypes.inventoryLow, product.id);
      expect(lows.map((event) => event.data)).toEqual([{ productId: product.id, sku: product.sku, available: 5, threshold: 5 }]);
    }, 60_000);

    it('when multi-line orders take two products in opposite line order at once, then none deadlocks and none oversells', async () => {
      const first = await stockedProduct(10);
      const second = await stockedProduct(10);
      const bodies = Array.from({ length: 40 }, (_, index) => ({
        orderId: randomUUID(),
        lines:
          index % 2 === 0
            ? [
                { productId: first.id, quantity: 1 },
                { productId: second.id, quantity: 1 },
              ]
            : [
                { productId: second.id, quantity: 1 },
                { productId: first.id, quantity: 1 },
              ],
      }));
      const responses = await Promise.all(bodies.map((body) => reserve(body)));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.filter((s) => s === 409)).toHaveLength(30);
      expect(await stockOf(first.id)).toEqual({ onHand: 10, reserved: 10 });
      expect(await stockOf(second.id)).toEqual({ onHand: 10, reserved: 10 });
    }, 60_000);
  });

  describe('events and cache', () => {
    it('when a reservation is made, then inventory.reserved is relayed with the order id as subject', async () => {
      const product = await stockedProduct(50);
      const orderId = randomUUID();
      const response = await reserve({ orderId, lines: [{ productId: product.id, quantity: 2 }], ttlSeconds: 120 }).expect(201);
      const events = await inventoryEvents(EventTypes.inventoryReserved, orderId);
      expect(events).toHaveLength(1);
      expect(events[0].data).toEqual({ orderId, lines: [{ productId: product.id, quantity: 2 }], expiresAt: (response.body as ReservationBody).expiresAt });
      expect(await inventoryEvents(EventTypes.inventoryLow, product.id)).toEqual([]);
    });

    it('when reservations take availability to the threshold, then inventory.low is published once, on the crossing', async () => {
      const product = await stockedProduct(7);
      for (let i = 0; i < 3; i += 1) await reserve({ orderId: randomUUID(), lines: [{ productId: product.id, quantity: 1 }] }).expect(201);
      const lows = await inventoryEvents(EventTypes.inventoryLow, product.id);
      expect(lows.map((event) => event.data)).toEqual([{ productId: product.id, sku: product.sku, available: 5, threshold: 5 }]);
    });

    it('when a product was read (and cached) before a reservation, then the next read shows the lower availability', async () => {
      const product = await stockedProduct(10);
      const before = await harness.http.get(`/api/catalog/products/${product.id}`).expect(200);
      expect(before.body.availability).toEqual({ available: 10, inStock: true });
      await harness.http.get(`/api/catalog/products/${product.sku}`).expect(200);
      const orderId = randomUUID();
      await reserve({ orderId, lines: [{ productId: product.id, quantity: 4 }] }).expect(201);
      expect((await harness.http.get(`/api/catalog/products/${product.id}`).expect(200)).body.availability).toEqual({ available: 6, inStock: true });
      expect((await harness.http.get(`/api/catalog/products/${product.sku}`).expect(200)).body.availability).toEqual({ available: 6, inStock: true });
      await http.post(CatalogInternalPaths.releaseReservation(orderId)).expect(200);
      expect((await harness.http.get(`/api/catalog/products/${product.id}`).expect(200)).body.availability).toEqual({ available: 10, inStock: true });
    });
  });

  describe('bad input', () => {
    let productId: string;
    beforeAll(async () => {
      productId = (await stockedProduct(10)).id;
    });

    const line = (quantity: unknown, id?: string) => ({ productId: id ?? productId, quantity });
    it.each<[string, () => unknown]>([
      ['quantity 0', () => ({ orderId: randomUUID(), lines: [line(0)] })],
      ['quantity -1', () => ({ orderId: randomUUID(), lines: [line(-1)] })],
      ['quantity 1.5', () => ({ orderId: randomUUID(), lines: [line(1.5)] })],
      ['quantity 10^9', () => ({ orderId: randomUUID(), lines: [line(1e9)] })],
      ['quantity as a string', () => ({ orderId: randomUUID(), lines: [line('1')] })],
      ['no orderId', () => ({ lines: [line(1)] })],
      ['an orderId that is not a UUID', () => ({ orderId: 'order-1', lines: [line(1)] })],
      ['a productId that is not a UUID', () => ({ orderId: randomUUID(), lines: [line(1, 'SKU-1')] })],
      ['the same product twice', () => ({ orderId: randomUUID(), lines: [line(1), line(2)] })],
      ['an unknown key', () => ({ orderId: randomUUID(), lines: [line(1)], coupon: 'FREE' })],
      ['an unknown key in a line', () => ({ orderId: randomUUID(), lines: [{ ...line(1), price: 1 }] })],
      ['no lines', () => ({ orderId: randomUUID(), lines: [] })],
      ['101 lines', () => ({ orderId: randomUUID(), lines: Array.from({ length: 101 }, () => line(1, randomUUID())) })],
      ['a ttl of 29 s', () => ({ orderId: randomUUID(), lines: [line(1)], ttlSeconds: 29 })],
      ['a ttl of more than a day', () => ({ orderId: randomUUID(), lines: [line(1)], ttlSeconds: 86_401 })],
      ['an array body', () => [{ orderId: randomUUID(), lines: [line(1)] }]],
    ])('when the reservation has %s, then 400 problem+json and nothing is written', async (_what, body) => {
      const before = await writtenState();
      const response = await reserve(body() as Record<string, unknown>);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.type).toBe('urn:shop:problem:invalid');
      expect(await writtenState()).toEqual(before);
    });

    it('when commit or release names an order id that is not a UUID, then 400', async () => {
      await http.post(CatalogInternalPaths.commitReservation('not-a-uuid')).expect(400);
      await http.post(CatalogInternalPaths.releaseReservation('not-a-uuid')).expect(400);
    });

    async function writtenState(): Promise<Record<string, number>> {
      const { rows } = await harness.db.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM inventory_reservations) AS reservations, (SELECT coalesce(sum(reserved), 0) FROM inventory) AS reserved,
                (SELECT coalesce(sum(on_hand), 0) FROM inventory) AS on_hand`,
      );
      return Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value)]));
    }
  });

  describe('internal caller guard', () => {
    it('when an app API token is configured, then a call without it is 401 and a call with it is served', async () => {
      const guarded = await buildHarness(getDb(), { appApiToken: 'test-app-api-token' });
      try {
        const product = await stockedProduct(5);
        const body = { orderId: randomUUID(), lines: [{ productId: product.id, quantity: 1 }] };
        const refused = await guarded.http.post(CatalogInternalPaths.reservations).send(body).expect(401);
        expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
        await guarded.http.post(CatalogInternalPaths.reservations).set('dapr-api-token', 'wrong-app-api-token').send(body).expect(401);
        await guarded.http.post(CatalogInternalPaths.releaseExpiredReservations).expect(401);
        await guarded.http.post(CatalogInternalPaths.commitReservation(body.orderId)).expect(401);
        expect(await stockOf(product.id)).toEqual({ onHand: 5, reserved: 0 });
        await guarded.http.post(CatalogInternalPaths.reservations).set('dapr-api-token', 'test-app-api-token').send(body).expect(201);
      } finally {
        await guarded.close();
      }
    });
  });

  describe('the running service', () => {
    it('when started with a sweep interval and an app API token, then it releases expired reservations by itself and guards the routes', async () => {
      const eventBus = new InMemoryEventBus({ source: 'catalog' });
      const stateStore = new InMemoryStateStore();
      const blocks: BuildingBlocks = {
        kind: 'memory',
        stateStore,
        eventBus,
        broadcastBus: eventBus,
        regionalBus: eventBus,
        instanceId: 'test-instance',
        rateLimiter: new InMemoryRateLimiter(),
        invoker: { invoke: async () => ({ status: 503, headers: {}, body: undefined as never }) },
        mountOnApp: () => undefined,
        close: async () => {
          await eventBus.close();
          await stateStore.close();
        },
      };
      const environment = { HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO_CATALOG: 'false', RESERVATION_SWEEP_INTERVAL_MS: '50', APP_API_TOKEN: 'started-app-api-token' };
      // Port 0 (any free one) is not a valid PORT setting, so it is put in after validation.
      const config = { ...loadCatalogConfig(environment), PORT: 0 };
      const verifier = new TokenVerifier({ jwks: new StaticJwks(new AccessTokenSigner({ keys: [generateSigningKey()] }).jwks()) });
      const running = await startCatalogService({ config, logger: createLogger({ service: 'catalog-test', level: 'silent' }), blocks, db: getDb(), verifier });
      try {
        const product = await stockedProduct(4);
        const orderId = randomUUID();
        const body = { orderId, lines: [{ productId: product.id, quantity: 4 }], ttlSeconds: 30 };
        await request(running.url).post(CatalogInternalPaths.reservations).send(body).expect(401);
        await request(running.url).post(CatalogInternalPaths.reservations).set('dapr-api-token', 'started-app-api-token').send(body).expect(201);
        expect(await stockOf(product.id)).toEqual({ onHand: 4, reserved: 4 });
        await expire([orderId]);
        await eventually(async () => (await stockOf(product.id)).reserved === 0);
        expect(await reservationRows(orderId)).toEqual([expect.objectContaining({ status: 'released' })]);
      } finally {
        await running.stop();
      }
    });
  });

  /** The admin representation and ETag of a product. */
  async function adminProductWithEtag(id: string): Promise<{ body: { id: string }; etag: string }> {
    const response = await harness.http.get(`/api/catalog/admin/products/${id}`).set('Authorization', admin).expect(200);
    return { body: response.body as { id: string }, etag: response.headers.etag };
  }
});
