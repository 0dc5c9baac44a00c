import { AuditActions } from '@shop/contracts';
import type { AuditRecord, AuditRecorder } from '@shop/kernel';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { buildHarness, catalogDatabases, createProduct, tokens, type CatalogHarness } from './catalog-harness';

/** Keeps what the catalog records, instead of publishing it to auth. */
class CollectingAuditRecorder implements AuditRecorder {
  readonly records: AuditRecord[] = [];
  record(entry: AuditRecord): void {
    this.records.push(entry);
  }
}

describeEachDatabase<Database>('catalog: admin product changes are audited', catalogDatabases, (getDb) => {
  const audit = new CollectingAuditRecorder();
  let harness: CatalogHarness;
  const admin = `Bearer ${tokens.admin}`;

  beforeAll(async () => {
    harness = await buildHarness(getDb(), { audit });
  });
  afterAll(async () => {
    await harness.close();
  });

  const auditedFor = (productId: string) => audit.records.filter((r) => r.subject?.id === productId).map((r) => ({ action: r.action, actor: r.actor, details: r.details }));

  it('when an admin creates, updates, sets the stock of and deletes a product, then each is audited once with the admin as the actor', async () => {
    const { body, etag } = await createProduct(harness);
    const patched = await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'Renamed' }).expect(200);
    // The same value again changes nothing, so nothing is audited for it.
    const unchanged = await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', patched.headers.etag).send({ name: 'Renamed' }).expect(200);
    const stocked = await harness.http.put(`/api/catalog/products/${body.id}/inventory`).set('Authorization', admin).set('If-Match', unchanged.headers.etag).send({ onHand: 7 }).expect(200);
    await harness.http.delete(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', stocked.headers.etag).expect(204);

    const actor = { type: 'user', id: 'admin-1' };
    expect(auditedFor(body.id)).toEqual([
      { action: AuditActions.productCreated, actor, details: { sku: body.sku } },
      { action: AuditActions.productUpdated, actor, details: { sku: body.sku, changed: ['name'] } },
      { action: AuditActions.productStockSet, actor, details: { sku: body.sku, onHand: { from: 0, to: 7 } } },
      { action: AuditActions.productDeleted, actor, details: { sku: body.sku } },
    ]);
  });

  it('when an admin change is refused, then nothing is audited', async () => {
    const { body } = await createProduct(harness);
    await harness.http.patch(`/api/catalog/products/${body.id}`).set('Authorization', admin).set('If-Match', '"v999"').send({ name: 'Stale' }).expect(412);
    expect(auditedFor(body.id).map((r) => r.action)).toEqual([AuditActions.productCreated]);
  });
});
