import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@shop/building-blocks';
import { CatalogInternalPaths, EventTypes, Topics } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { catalogSyncHandler } from '../src/events/subscriptions';
import { buildHarness, catalogDatabases, tokens, type CatalogHarness } from './catalog-harness';

const logger = createLogger({ service: 'catalog-test', level: 'silent' });
const appApiToken = 'sync-runs-test-token';

function record(externalId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { externalId, sku: `RUN-${externalId}`, name: `Run ${externalId}`, price: { amount: 500, currency: 'EUR' }, ...overrides };
}

function batchEvent(data: unknown, id = randomUUID()): CloudEvent<unknown> {
  return { specversion: '1.0', id, source: 'functions', type: EventTypes.catalogSyncBatch, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}

const noProblems = { fetched: 0, rejected: [], errors: [] };

describeEachDatabase<Database>('catalog sync runs', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  beforeAll(async () => {
    harness = await buildHarness(getDb(), { appApiToken });
  });
  afterAll(() => harness?.close());

  const deliver = (event: CloudEvent<unknown>) => catalogSyncHandler(harness.catalog.catalogSync, logger)(event);
  const openRun = async (source: string) =>
    (await harness.http.post(CatalogInternalPaths.syncRuns).set('dapr-api-token', appApiToken).send({ source, trigger: 'timer' }).expect(201)).body.runId as string;
  const finish = (runId: string, body: object) => harness.http.post(CatalogInternalPaths.finishSyncRun(runId)).set('dapr-api-token', appApiToken).send(body);
  const statusOf = async (sku: string) => (await getDb().query<{ status: string }>('SELECT status FROM products WHERE sku = $1', [sku])).rows[0]?.status;

  it('when a run is opened, then it answers 201 with the run id and the run reads as running', async () => {
    const response = await harness.http.post(CatalogInternalPaths.syncRuns).set('dapr-api-token', appApiToken).send({ source: 'open-src', trigger: 'manual' }).expect(201);
    expect(response.body).toEqual({ runId: expect.any(String), source: 'open-src', startedAt: expect.any(String) });
    const run = await harness.http.get(`/api/catalog/sync-runs/${response.body.runId}`).set('Authorization', `Bearer ${tokens.admin}`).expect(200);
    expect(run.body).toMatchObject({ runId: response.body.runId, status: 'running', trigger: 'manual', batchesApplied: 0, batchesExpected: null });
  });

  it('when a complete run misses a product, then a redelivered batch counts once, the missing product is archived (not deleted) and the run succeeds', async () => {
    const source = 'src-complete';
    const seed = await openRun(source);
    expect(await deliver(batchEvent({ source, runId: seed, products: [record('k1'), record('k2'), record('gone')] }))).toBe('SUCCESS');
    expect((await finish(seed, { ...noProblems, complete: true, batches: 1, fetched: 3 }).expect(200)).body).toMatchObject({ status: 'succeeded', created: 3, archived: 0 });

    const runId = await openRun(source);
    const first = batchEvent({ source, runId, products: [record('k1', { name: 'Renamed k1' }), { externalId: 'broken' }] });
    expect(await deliver(first)).toBe('SUCCESS');
    expect(await deliver(first)).toBe('SUCCESS');
    expect(await deliver(batchEvent({ source, runId, products: [record('k2')] }))).toBe('SUCCESS');
    const finished = await finish(runId, { complete: true, batches: 2, fetched: 4, rejected: [{ externalId: 'x9', reason: 'no price upstream' }], errors: ['page 7 timed out once'] }).expect(200);
    expect(finished.body).toMatchObject({
      runId, source, status: 'succeeded', complete: true, fetched: 4, created: 0, updated: 1, unchanged: 1, archived: 1,
      batchesExpected: 2, batchesApplied: 2, rejectedCount: 2, errors: ['page 7 timed out once'], finishedAt: expect.any(String),
    });
    expect(finished.body.rejected.map((r: { externalId: string }) => r.externalId)).toEqual(['broken', 'x9']);
    expect(await statusOf('RUN-gone')).toBe('archived');
    expect(await statusOf('RUN-k1')).toBe('active');
    await harness.flushEvents();
    const archivedEvents = harness.received.get(Topics.products)!.filter((e) => (e.data as { sku?: string }).sku === 'RUN-gone' && e.type === 'product.updated');
    expect(archivedEvents.map((e) => (e.data as { changes: unknown }).changes)).toEqual([{ status: 'archived' }]);

    // A second identical run: everything unchanged, nothing more archived; a finish retried answers the same run.
    const again = await openRun(source);
    expect(await deliver(batchEvent({ source, runId: again, products: [record('k1', { name: 'Renamed k1' }), record('k2')] }))).toBe('SUCCESS');
    const repeat = await finish(again, { ...noProblems, complete: true, batches: 1, fetched: 2 }).expect(200);
    expect(repeat.body).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 2, archived: 0 });
    expect((await finish(again, { ...noProblems, complete: true, batches: 1, fetched: 2 }).expect(200)).body).toEqual(repeat.body);

    // The archived product coming back in a later run is made active again.
    const back = await openRun(source);
    await deliver(batchEvent({ source, runId: back, products: [record('k1', { name: 'Renamed k1' }), record('k2'), record('gone')] }));
    await finish(back, { ...noProblems, complete: true, batches: 1 }).expect(200);
    expect(await statusOf('RUN-gone')).toBe('active');
  });

  it('when the run is partial, then nothing is archived and the run is partial', async () => {
    const source = 'src-partial';
    const seed = await openRun(source);
    await deliver(batchEvent({ source, runId: seed, products: [record('p1'), record('p2')] }));
    await finish(seed, { ...noProblems, complete: true, batches: 1 }).expect(200);
    const runId = await openRun(source);
    await deliver(batchEvent({ source, runId, products: [record('p1')] }));
    const response = await finish(runId, { ...noProblems, complete: false, batches: 1, errors: ['source API down after page 1'] }).expect(200);
    expect(response.body).toMatchObject({ status: 'partial', archived: 0, unchanged: 1 });
    expect(await statusOf('RUN-p2')).toBe('active');
  });

  it('when the finish comes before the last batch, then it answers 202 and the run finishes when that batch arrives', async () => {
    const source = 'src-late';
    const seed = await openRun(source);
    await deliver(batchEvent({ source, runId: seed, products: [record('l1'), record('l2'), record('l3')] }));
    await finish(seed, { ...noProblems, complete: true, batches: 1 }).expect(200);
    const runId = await openRun(source);
    await deliver(batchEvent({ source, runId, products: [record('l1')] }));
    const early = await finish(runId, { ...noProblems, complete: true, batches: 2 }).expect(202);
    expect(early.body).toMatchObject({ status: 'running', batchesExpected: 2, batchesApplied: 1, finishedAt: null });
    expect(await statusOf('RUN-l3')).toBe('active');
    await deliver(batchEvent({ source, runId, products: [record('l2')] }));
    const run = await harness.http.get(`/api/catalog/sync-runs/${runId}`).set('Authorization', `Bearer ${tokens.admin}`).expect(200);
    expect(run.body).toMatchObject({ status: 'succeeded', batchesApplied: 2, archived: 1, unchanged: 2 });
    expect(await statusOf('RUN-l3')).toBe('archived');
    expect(await statusOf('RUN-l2')).toBe('active');
  });

  it('when runs are read, then only admins see them, newest first and filtered by source; bad input is 400, unknown 404', async () => {
    const admin = (path: string) => harness.http.get(path).set('Authorization', `Bearer ${tokens.admin}`);
    const list = await admin('/api/catalog/sync-runs?source=src-late&limit=1').expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ source: 'src-late', status: 'succeeded', batchesApplied: 2 });
    const all = await admin('/api/catalog/sync-runs?limit=100').expect(200);
    const started = all.body.items.map((run: { startedAt: string }) => run.startedAt);
    expect([...started].sort().reverse()).toEqual(started);
    await harness.http.get('/api/catalog/sync-runs').set('Authorization', `Bearer ${tokens.customer}`).expect(403);
    await harness.http.get('/api/catalog/sync-runs').expect(401);
    await admin('/api/catalog/sync-runs?limit=0').expect(400);
    await admin('/api/catalog/sync-runs?color=red').expect(400);
    await admin(`/api/catalog/sync-runs/${randomUUID()}`).expect(404);
    await admin('/api/catalog/sync-runs/nope').expect(400);
  });

  it('when the internal routes get a wrong token or bad bodies, then 401/400/404 as problem+json', async () => {
    await harness.http.post(CatalogInternalPaths.syncRuns).send({ source: 'x', trigger: 'timer' }).expect(401);
    const bad = await harness.http.post(CatalogInternalPaths.syncRuns).set('dapr-api-token', appApiToken).send({ source: 'x', trigger: 'cron' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    await harness.http.post(CatalogInternalPaths.syncRuns).set('dapr-api-token', appApiToken).send({ source: 'x', trigger: 'timer', extra: 1 }).expect(400);
    const runId = await openRun('src-bad');
    await finish(runId, { ...noProblems, complete: true, batches: -1 }).expect(400);
    await finish(runId, { ...noProblems, complete: true, batches: 1, surprise: true }).expect(400);
    await finish(randomUUID(), { ...noProblems, complete: true, batches: 0 }).expect(404);
    await finish('not-a-uuid', { ...noProblems, complete: true, batches: 0 }).expect(400);
  });
});
