import { adminProductViewSchema, productPageSchema, productViewSchema } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { buildHarness, catalogDatabases, createProduct, tableCounts, tokens, type CatalogHarness } from './catalog-harness';

const admin = `Bearer ${tokens.admin}`;

const headphones = {
  sku: 'TR-HEADPHONES',
  name: 'Nordlys wireless headphones',
  description: 'Over-ear headphones with noise cancelling',
  translations: {
    de: { name: 'Nordlys kabellose Kopfhörer', description: 'Ohrumschließende Kopfhörer mit Geräuschunterdrückung' },
    ja: { name: 'Nordlys ワイヤレス ヘッドホン', description: 'ノイズキャンセリング付き' },
  },
};

describeEachDatabase<Database>('catalog product translations and search per language', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  let product: { id: string };
  let lamp: { id: string };
  beforeAll(async () => {
    harness = await buildHarness(getDb());
    product = (await createProduct(harness, headphones)).body;
    lamp = (await createProduct(harness, { sku: 'TR-LAMP', name: 'Fjord desk lamp', description: 'A lamp', translations: { de: { name: 'Fjord Schreibtischlampe' } } })).body;
  });
  afterAll(() => harness?.close());

  const translationRows = async (productId: string) =>
    (await harness.db.query<{ language: string; name: string; description: string }>('SELECT language, name, description FROM product_translations WHERE product_id = $1 ORDER BY language', [productId])).rows;

  it('when an admin creates a product with translations, then the admin view holds each and the base texts stay the name and description', async () => {
    const response = await harness.http.get(`/api/catalog/admin/products/${product.id}`).set('Authorization', admin).expect(200);
    const view = adminProductViewSchema.parse(response.body);
    expect(view).toMatchObject({ name: headphones.name, description: headphones.description, language: 'en', translations: headphones.translations });
    await expect(translationRows(lamp.id)).resolves.toEqual([{ language: 'de', name: 'Fjord Schreibtischlampe', description: '' }]);
  });

  it.each([
    ['?lang=de', {}, 'de', headphones.translations.de.name],
    ['?lang=ja', {}, 'ja', headphones.translations.ja.name],
    ['?lang=en', { 'Accept-Language': 'de' }, 'en', headphones.name],
    ['', { 'Accept-Language': 'fr-FR, de-AT;q=0.8, en;q=0.5' }, 'de', headphones.translations.de.name],
    ['?market=jp', {}, 'ja', headphones.translations.ja.name],
    ['', {}, 'en', headphones.name],
  ])('when the product is read with %p %p, then its texts are in %p', async (query, headers, language, name) => {
    const response = await harness.http.get(`/api/catalog/products/${product.id}${query}`).set(headers).expect(200);
    expect(productViewSchema.parse(response.body)).toMatchObject({ language, name });
    expect(response.headers.vary).toBe('Cookie, X-Client-Country, Accept-Language');
  });

  it('when a language has no translation of the product, then the product shows its base texts and says they are in the base language', async () => {
    const response = await harness.http.get(`/api/catalog/products/${lamp.id}?lang=ja&market=jp`).expect(200);
    expect(response.body).toMatchObject({ language: 'en', name: 'Fjord desk lamp', description: 'A lamp', price: { currency: 'EUR' } });
    // The German one is there, in the same cache entry.
    const german = await harness.http.get(`/api/catalog/products/${lamp.id}?lang=de&market=jp`).expect(200);
    expect(german.body).toMatchObject({ language: 'de', name: 'Fjord Schreibtischlampe', description: '' });
  });

  it('when the cached product is read in two languages, then each has its own entity tag and a copy of one does not revalidate the other', async () => {
    const german = await harness.http.get(`/api/catalog/products/${product.id}?market=eu&lang=de`).expect(200);
    const japanese = await harness.http.get(`/api/catalog/products/${product.id}?market=eu&lang=ja`).expect(200);
    expect(german.headers.etag).not.toBe(japanese.headers.etag);
    expect(german.headers['cache-control']).toMatch(/^public/);
    await harness.http.get(`/api/catalog/products/${product.id}?market=eu&lang=ja`).set('If-None-Match', german.headers.etag).expect(200);
    await harness.http.get(`/api/catalog/products/${product.id}?market=eu&lang=de`).set('If-None-Match', german.headers.etag).expect(304);
  });

  it.each([
    ['?lang=fr', 'query.lang'],
    ['?lang=de&lang=ja', 'query.lang'],
    ['?lang=DE-de', 'query.lang'],
  ])('when a product read names %p, then the answer is a 400 problem naming %p', async (query, field) => {
    const response = await harness.http.get(`/api/catalog/products/${product.id}${query}`).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    await harness.http.get(`/api/catalog/products?q=lamp&${query.slice(1)}`).expect(400);
  });

  it('when a merge-patch names translations, then a named field changes, the others stay, and null removes a language', async () => {
    const translations = { de: { name: 'Zu ändern', description: 'Eine Beschreibung, die bleibt' }, ja: { name: '変更用' } };
    const { body, etag } = await createProduct(harness, { sku: 'TR-PATCH', translations });
    const patched = await harness.http
      .patch(`/api/catalog/products/${body.id}`)
      .set('Authorization', admin)
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', etag)
      .send(JSON.stringify({ translations: { de: { name: 'Neuer Name' }, ja: null } }))
      .expect(200);
    expect(patched.body.translations).toEqual({ de: { name: 'Neuer Name', description: translations.de.description } });
    await expect(translationRows(body.id)).resolves.toEqual([{ language: 'de', name: 'Neuer Name', description: translations.de.description }]);
    // Read (and cached) now; the next change retires the cached representation in every language.
    expect((await harness.http.get(`/api/catalog/products/${body.id}?lang=de`).expect(200)).body.name).toBe('Neuer Name');
    await harness.http
      .patch(`/api/catalog/products/${body.id}`)
      .set('Authorization', admin)
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', patched.headers.etag)
      .send(JSON.stringify({ translations: { de: { name: 'Dritter Name' } } }))
      .expect(200);
    expect((await harness.http.get(`/api/catalog/products/${body.id}?lang=de`).expect(200)).body.name).toBe('Dritter Name');
    expect((await harness.http.get(`/api/catalog/products/${body.id}?lang=ja`).expect(200)).body).toMatchObject({ language: 'en', name: body.name });
  });

  it.each([
    ['a language the catalog does not serve', { fr: { name: 'Casque' } }, 'body.translations.fr'],
    ['the base language', { en: { name: 'Twice in English' } }, 'body.translations.en'],
    ['an empty name', { de: { name: '  ' } }, 'body.translations.de.name'],
    ['a language tag with a region', { 'de-AT': { name: 'Kopfhörer' } }, 'body.translations'],
  ])('when a product is created with a translation into %s, then the answer is 400 naming the field and nothing is written', async (_what, translations, field) => {
    const before = await tableCounts(harness.db);
    const translationsBefore = (await harness.db.query<{ count: number }>('SELECT count(*) AS count FROM product_translations')).rows[0].count;
    const response = await harness.http
      .post('/api/catalog/products')
      .set('Authorization', admin)
      .send({ sku: 'TR-REFUSED', name: 'Refused', price: { amount: 100, currency: 'EUR' }, translations })
      .expect(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(expect.arrayContaining([expect.stringContaining(field)]));
    await expect(tableCounts(harness.db)).resolves.toEqual(before);
    expect((await harness.db.query<{ count: number }>('SELECT count(*) AS count FROM product_translations')).rows[0].count).toEqual(translationsBefore);
  });

  it('when the catalog is searched in German, then German words match by their German stem and the hits show their German names', async () => {
    const search = async (query: string) => productPageSchema.parse((await harness.http.get(`/api/catalog/products?${query}`).expect(200)).body).items.map((item) => [item.sku, item.language, item.name]);
    // "Kopfhörern" (dative plural) and "Geräuschunterdrückung" stem to the words of the German texts.
    await expect(search('q=Kopfh%C3%B6rern&lang=de')).resolves.toEqual([['TR-HEADPHONES', 'de', headphones.translations.de.name]]);
    await expect(search(`q=${encodeURIComponent('Geräuschunterdrückung')}&lang=de`)).resolves.toEqual([['TR-HEADPHONES', 'de', headphones.translations.de.name]]);
    // The base texts are searched in every language, and shown in the reader's where there is a translation.
    await expect(search('q=lamp&lang=de')).resolves.toEqual([['TR-LAMP', 'de', 'Fjord Schreibtischlampe']]);
    // In English the German texts are not searched.
    await expect(search('q=Kopfh%C3%B6rern&lang=en')).resolves.toEqual([]);
  });

  it('when the catalog is searched in Japanese, then the Japanese words match (whole words and the prefix of the last)', async () => {
    const search = async (q: string) => productPageSchema.parse((await harness.http.get(`/api/catalog/products?q=${encodeURIComponent(q)}&lang=ja`).expect(200)).body).items.map((item) => item.sku);
    await expect(search('ヘッドホン')).resolves.toEqual(['TR-HEADPHONES']);
    await expect(search('ワイヤレス ヘッド')).resolves.toEqual(['TR-HEADPHONES']);
    await expect(search('スピーカー')).resolves.toEqual([]);
  });

  it('when a cursor of a search in one language is used in another, then it is refused', async () => {
    for (let index = 0; index < 3; index += 1) await createProduct(harness, { sku: `TR-PAGE-${index}`, name: `Paging lamp ${index}`, translations: { de: { name: `Seitenlampe ${index}` } } });
    const first = await harness.http.get('/api/catalog/products?q=lamp&lang=de&limit=1').expect(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    await harness.http.get(`/api/catalog/products?q=lamp&lang=de&limit=1&cursor=${first.body.nextCursor}`).expect(200);
    await harness.http.get(`/api/catalog/products?q=lamp&lang=ja&limit=1&cursor=${first.body.nextCursor}`).expect(400);
  });

  it('when a supplier record carries translations, then the languages it names replace those texts, the others an admin wrote stay, and unserved languages are dropped', async () => {
    const upsert = (products: object[]) => harness.http.post('/internal/catalog/products/bulk-upsert').set('Authorization', admin).send({ source: 'pim-i18n', products }).expect(200);
    const record = { externalId: 'x1', sku: 'TR-SYNCED', name: 'Synced kettle', price: { amount: 2999, currency: 'EUR' } };
    await upsert([{ ...record, translations: { de: { name: 'Wasserkocher' }, fr: { name: 'Bouilloire' } } }]);
    const created = adminProductViewSchema.parse((await harness.http.get('/api/catalog/admin/products?q=synced').set('Authorization', admin).expect(200)).body.items[0]);
    expect(created.translations).toEqual({ de: { name: 'Wasserkocher', description: '' } });
    // An admin adds Japanese; the next sync names German only.
    const read = await harness.http.get(`/api/catalog/admin/products/${created.id}`).set('Authorization', admin).expect(200);
    await harness.http
      .patch(`/api/catalog/products/${created.id}`)
      .set('Authorization', admin)
      .set('If-Match', read.headers.etag)
      .send({ translations: { ja: { name: '電気ケトル' } } })
      .expect(200);
    await upsert([{ ...record, name: 'Synced kettle 2', translations: { de: { name: 'Wasserkocher 2', description: 'Neu' } } }]);
    await expect(translationRows(created.id)).resolves.toEqual([
      { language: 'de', name: 'Wasserkocher 2', description: 'Neu' },
      { language: 'ja', name: '電気ケトル', description: '' },
    ]);
    // A record without translations leaves them all.
    await upsert([{ ...record, name: 'Synced kettle 3' }]);
    expect((await translationRows(created.id)).map((row) => row.language)).toEqual(['de', 'ja']);
  });
});

describeEachDatabase<Database>('catalog product languages from configuration', catalogDatabases, (getDb) => {
  let harness: CatalogHarness;
  beforeAll(async () => {
    harness = await buildHarness(getDb(), { productLanguages: { base: 'de', translated: ['fr'] } });
  });
  afterAll(() => harness?.close());

  it('when the base language is German and French the one translated, then reads say so, French is accepted and Japanese is not', async () => {
    const { body } = await createProduct(harness, { sku: 'CFG-1', name: 'Wasserkocher', translations: { fr: { name: 'Bouilloire' } } });
    expect((await harness.http.get(`/api/catalog/products/${body.id}`).expect(200)).body).toMatchObject({ language: 'de', name: 'Wasserkocher' });
    expect((await harness.http.get(`/api/catalog/products/${body.id}?lang=fr`).expect(200)).body).toMatchObject({ language: 'fr', name: 'Bouilloire' });
    await harness.http.get(`/api/catalog/products/${body.id}?lang=ja`).expect(400);
    await harness.http.post('/api/catalog/products').set('Authorization', admin).send({ sku: 'CFG-2', name: 'x', price: { amount: 1, currency: 'EUR' }, translations: { ja: { name: 'x' } } }).expect(400);
  });
});
