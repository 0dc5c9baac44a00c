import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { InMemoryEventBus, InMemoryRateLimiter, InMemoryStateStore } from '@shop/building-blocks';
import { CatalogInternalPaths, partitionMaintenanceReportSchema, productHistorySchema, snapshotSources, type VerifiedApiKey } from '@shop/contracts';
import { TokenVerifier, StaticJwks } from '@shop/auth-tokens';
import { createLogger, createServiceMetrics } from '@shop/platform';
import { maintainMonthlyPartitions, type Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { createCatalogApp } from '../src/composition';
import { SqlProductHistoryRepository, historyBucketsSql } from '../src/data/product-history.repository';
import { ProductHistoryService } from '../src/domain/product-history.service';
import type { ApiKeyVerifier } from '../src/domain/api-key-verifier';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

const admin = `Bearer ${tokens.admin}`;

interface SnapshotRow {
  at: Date;
  price_amount: number;
  currency: string;
  available: number;
  source: string;
}

/** One partner key that may read insights, as auth would verify it. */
class OneKey implements ApiKeyVerifier {
  readonly key = `shp_${randomBytes(32).toString('base64url')}`;
  verify(key: string): Promise<VerifiedApiKey | undefined> {
    return Promise.resolve(key === this.key ? { keyId: randomUUID(), tier: 'premium', scopes: ['catalog:read', 'insights:read'], validUntil: null } : undefined);
  }
}

describeEachDatabase<Database>('catalog product history', catalogDatabases, (getDb, kind) => {
  let harness: CatalogHarness;

  beforeAll(async () => {
    harness = await buildHarness(getDb());
  }, 60_000);
  afterAll(() => harness?.close());

  async function snapshotsOf(productId: string): Promise<SnapshotRow[]> {
    const { rows } = await getDb().query<SnapshotRow>('SELECT at, price_amount, currency, available, source FROM product_snapshots WHERE product_id = $1 ORDER BY at, seq', [productId]);
    return rows.map((row) => ({ ...row, price_amount: Number(row.price_amount), available: Number(row.available) }));
  }

  async function stocked(onHand: number): Promise<{ id: string; etag: string }> {
    const { body, etag } = await createProduct(harness, { price: { amount: 1000, currency: 'EUR' } });
    const set = await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', etag).send({ onHand }).expect(200);
    return { id: body.id, etag: set.headers.etag };
  }

  /** Snapshots of a product written straight into the table (a history dated where the test wants it). */
  async function insertSnapshots(productId: string, snapshots: Array<[at: string, amount: number, available: number]>): Promise<void> {
    for (const [at, amount, available] of snapshots) {
      await getDb().query("INSERT INTO product_snapshots (product_id, at, price_amount, currency, available, source) VALUES ($1, $2, $3, 'EUR', $4, 'seed')", [productId, at, amount, available]);
    }
  }

  it('when the migration has run, then the table accepts every snapshot source of the contract and refuses others', async () => {
    const id = randomUUID();
    for (const source of snapshotSources) {
      await getDb().query("INSERT INTO product_snapshots (product_id, at, price_amount, currency, available, source) VALUES ($1, now(), 1, 'EUR', 1, $2)", [id, source]);
    }
    await expect(getDb().query("INSERT INTO product_snapshots (product_id, at, price_amount, currency, available, source) VALUES ($1, now(), 1, 'EUR', 1, 'other')", [id])).rejects.toThrow();
  });

  it('when an admin creates a product, sets its stock and changes its price, then each appends an admin snapshot dated as updated_at; a change of neither appends none', async () => {
    const { id, etag } = await stocked(7);
    const renamed = await harness.http.patch(`/api/catalog/products/${id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'Renamed' }).expect(200);
    const sameStock = await harness.http.put(`/api/catalog/products/${id}/inventory`).set('Authorization', admin).set('If-Match', renamed.headers.etag).send({ onHand: 7 }).expect(200);
    const repriced = await harness.http
      .patch(`/api/catalog/products/${id}`)
      .set('Authorization', admin)
      .set('If-Match', sameStock.headers.etag)
      .send({ price: { amount: 1250, currency: 'EUR' } })
      .expect(200);
    const snapshots = await snapshotsOf(id);
    expect(snapshots.map(({ price_amount, available, source }) => ({ price_amount, available, source }))).toEqual([
      { price_amount: 1000, available: 0, source: 'admin' },
      { price_amount: 1000, available: 7, source: 'admin' },
      { price_amount: 1250, available: 7, source: 'admin' },
    ]);
    expect(snapshots[2].at.toISOString()).toBe(new Date(repriced.body.updatedAt).toISOString());
  });

  it('when an admin edit runs on a past clock, then its snapshot is dated in the past', async () => {
    const past = new Date('2025-01-10T08:00:00Z');
    const { id } = await stocked(3);
    const current = await harness.catalog.productQueries.getProduct(id);
    await harness.catalog.productAdminAt(() => past).patchProduct({ actor: { kind: 'system', name: 'test' } }, id, [current.version], { price: { amount: 900, currency: 'EUR' } });
    const last = (await snapshotsOf(id)).find((snapshot) => snapshot.price_amount === 900);
    expect(last?.at.toISOString()).toBe(past.toISOString());
  });

  it('when stock is reserved, sold and released, then reservation and release append snapshots and a sale (availability unchanged) does not', async () => {
    const { id } = await stocked(10);
    const before = (await snapshotsOf(id)).length;
    const [sold, released] = [randomUUID(), randomUUID()];
    await harness.http.post(CatalogInternalPaths.reservations).send({ orderId: sold, lines: [{ productId: id, quantity: 2 }] }).expect(201);
    await harness.http.post(CatalogInternalPaths.commitReservation(sold)).expect(200);
    await harness.http.post(CatalogInternalPaths.reservations).send({ orderId: released, lines: [{ productId: id, quantity: 3 }] }).expect(201);
    await harness.http.post(CatalogInternalPaths.releaseReservation(released)).expect(200);
    await harness.http.post(CatalogInternalPaths.releaseReservation(sold)).expect(200);
    const added = (await snapshotsOf(id)).slice(before).map(({ available, source }) => ({ available, source }));
    expect(added).toEqual([
      { available: 8, source: 'reservation' },
      { available: 5, source: 'reservation' },
      { available: 8, source: 'release' },
      // The sale given back: on hand grows again.
      { available: 10, source: 'release' },
    ]);
  });

  it('when a reservation expires, then the sweep appends an expiry snapshot', async () => {
    const { id } = await stocked(4);
    const orderId = randomUUID();
    await harness.http.post(CatalogInternalPaths.reservations).send({ orderId, lines: [{ productId: id, quantity: 1 }] }).expect(201);
    await getDb().query("UPDATE inventory_reservations SET expires_at = now() - interval '1 minute' WHERE order_id = $1", [orderId]);
    await harness.catalog.reservations.releaseExpiredReservations();
    expect((await snapshotsOf(id)).at(-1)).toMatchObject({ available: 4, source: 'expiry' });
  });

  it('when history is asked by hour and by day, then buckets in UTC carry first, last, min and max, and initial is the state before from', async () => {
    const { id } = await stocked(1);
    await insertSnapshots(id, [
      ['2025-03-01T22:00:00Z', 500, 9],
      ['2025-03-02T10:05:00Z', 700, 8],
      ['2025-03-02T10:20:00Z', 400, 5],
      ['2025-03-02T10:50:00Z', 600, 6],
      ['2025-03-02T23:59:59Z', 650, 4],
      ['2025-03-03T00:00:00Z', 800, 3],
    ]);
    const byHour = await historyOf(id, '2025-03-02T00:00:00Z', '2025-03-03T00:00:00Z', 'hour');
    expect(byHour.initial).toEqual({ price: { amount: 500, currency: 'EUR' }, available: 9, at: '2025-03-01T22:00:00.000Z' });
    expect(byHour.buckets).toEqual([
      {
        start: '2025-03-02T10:00:00.000Z',
        price: { first: eur(700), last: eur(600), min: eur(400), max: eur(700) },
        available: { first: 8, last: 6, min: 5, max: 8 },
        changes: 3,
      },
      { start: '2025-03-02T23:00:00.000Z', price: { first: eur(650), last: eur(650), min: eur(650), max: eur(650) }, available: { first: 4, last: 4, min: 4, max: 4 }, changes: 1 },
    ]);
    const byDay = await historyOf(id, '2025-03-01T00:00:00Z', '2025-03-04T00:00:00Z', 'day');
    expect(byDay.initial).toBeNull();
    expect(byDay.buckets.map((bucket) => [bucket.start, bucket.price.first.amount, bucket.price.last.amount, bucket.available.min, bucket.changes])).toEqual([
      ['2025-03-01T00:00:00.000Z', 500, 500, 9, 1],
      ['2025-03-02T00:00:00.000Z', 700, 650, 4, 4],
      ['2025-03-03T00:00:00.000Z', 800, 800, 3, 1],
    ]);
  });

  it('when a partner asks GET /products/{id}/history with an insights key, then it answers the contract; an unknown product is a 404', async () => {
    const { id } = await stocked(1);
    await insertSnapshots(id, [['2025-04-10T12:00:00Z', 300, 2]]);
    const key = new OneKey();
    const partner = createCatalogApp({
      db: getDb(),
      stateStore: new InMemoryStateStore(),
      eventBus: new InMemoryEventBus({ source: 'catalog' }),
      verifier: new TokenVerifier({ jwks: new StaticJwks({ keys: [] }) }),
      logger: createLogger({ service: 'catalog-history-test', level: 'silent' }),
      metrics: createServiceMetrics('catalog', { collectProcessMetrics: false }),
      apiKeys: key,
      rateLimiter: new InMemoryRateLimiter(),
    });
    const response = await request(partner.app)
      .get(`/api/partner/v1/products/${id}/history?from=2025-04-10T00:00:00Z&to=2025-04-11T00:00:00Z&interval=hour`)
      .set('X-API-Key', key.key)
      .expect(200);
    const history = productHistorySchema.parse(response.body);
    expect(history.buckets).toEqual([{ start: '2025-04-10T12:00:00.000Z', price: { first: eur(300), last: eur(300), min: eur(300), max: eur(300) }, available: { first: 2, last: 2, min: 2, max: 2 }, changes: 1 }]);
    await request(partner.app).get(`/api/partner/v1/products/${randomUUID()}/history?from=2025-04-10T00:00:00Z&to=2025-04-11T00:00:00Z`).set('X-API-Key', key.key).expect(404);
  });

  it('when the partition route is called, then it answers the report and the current month has its partition', async () => {
    const response = await harness.http.post(CatalogInternalPaths.maintainPartitions).expect(200);
    const report = partitionMaintenanceReportSchema.parse(response.body);
    expect(report.table).toBe('product_snapshots');
    const month = new Date().toISOString().slice(0, 7).replace('-', 'm');
    const { rows } = await getDb().query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('product_snapshots')",
    );
    expect(rows.map((row) => row.name)).toContain(`product_snapshots_y${month}`);
    // Snapshots of months that waited in the default partition moved to partitions of their own.
    const { rows: stranded } = await getDb().query<{ n: number }>('SELECT count(*)::int AS n FROM product_snapshots_default');
    expect(stranded[0].n).toBe(0);
  });

  if (kind === 'postgres') {
    it('when a week of history is read, then the plan scans one or two product_snapshots partitions', async () => {
      await maintainMonthlyPartitions(getDb(), { table: 'product_snapshots', retentionMonths: 60, now: new Date('2024-01-15T00:00:00Z'), monthsAhead: 8 });
      await getDb().query('ANALYZE product_snapshots');
      const plan = async (from: string, to: string) => {
        const { rows } = await getDb().query<{ 'QUERY PLAN': string }>(`EXPLAIN ${historyBucketsSql}`, [randomUUID(), from, to, 'day']);
        const text = rows.map((row) => row['QUERY PLAN']).join('\n');
        return new Set(text.match(/product_snapshots_(y\d{4}m\d{2}|default)/g));
      };
      expect([...(await plan('2024-03-04T00:00:00Z', '2024-03-11T00:00:00Z'))]).toEqual(['product_snapshots_y2024m03']);
      expect([...(await plan('2024-04-28T00:00:00Z', '2024-05-05T00:00:00Z'))].sort()).toEqual(['product_snapshots_y2024m04', 'product_snapshots_y2024m05']);
    });
  }

  async function historyOf(productId: string, from: string, to: string, interval: 'hour' | 'day') {
    const history = await new ProductHistoryService({ repository: new SqlProductHistoryRepository(getDb()) }).historyOf(productId, { from: new Date(from), to: new Date(to), interval });
    if (!history) throw new Error('no history');
    return productHistorySchema.parse(history);
  }
});

function eur(amount: number) {
  return { amount, currency: 'EUR' };
}
