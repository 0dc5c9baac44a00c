import type { ProductStatus, SnapshotSource } from '@shop/contracts';
import type { Database, SqlExecutor } from '@shop/postgres';
import type { Category, NewProductRecord, ProductRecord, ProductWrites } from '../domain/ports';
import type { CategoryRef, ProductWithAvailability } from '../domain/product';
import type { StoredProductImage } from '../domain/product-image';
import type { ProductEvent } from '../domain/product-events';
import { noConversion, policyFingerprint, priceListOf, type PriceListPolicy } from '../domain/price-list';
import * as outbox from './outbox';
import { appendSnapshotsCte } from './product-history.repository';

// The SQL of the products, categories and inventory tables that the product queries, the admin changes and the
// sync share: the columns of a product read, their mapping, and the product writes both kinds of change make.

/** A row of a product read (`productColumns` `productFrom`). */
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string | null;
  image_urls: string[];
  attributes: Record<string, unknown>;
  price_amount: number;
  price_currency: string;
  prices: Array<{ currency: string; amount: number; derived: boolean }>;
  translations: Record<string, { name: string; description: string }>;
  images: StoredProductImage[];
  status: ProductStatus;
  version: number;
  source: string | null;
  external_id: string | null;
  content_hash: string | null;
  created_at: Date;
  updated_at: Date;
  category_id: string | null;
  category_slug: string | null;
  category_name: string | null;
  category_path: string | null;
  on_hand: number;
  reserved: number;
  rank?: number;
}

/** A row of the categories table. */
export interface CategoryRow {
  id: string;
  parent_id: string | null;
  slug: string;
  name: string;
  path: string;
}

/** The columns of a product read, with its category and stock. */
export const productColumns = `
  p.id, p.sku, p.name, p.description, p.brand, p.image_urls, p.attributes, p.price_amount, p.price_currency, p.status,
  p.version, p.source, p.external_id, p.content_hash, p.created_at, p.updated_at,
  c.id AS category_id, c.slug AS category_slug, c.name AS category_name, c.path AS category_path,
  coalesce(i.on_hand, 0) AS on_hand, coalesce(i.reserved, 0) AS reserved,
  coalesce((SELECT jsonb_agg(jsonb_build_object('currency', pl.currency, 'amount', pl.amount_minor, 'derived', pl.derived) ORDER BY pl.currency)
            FROM product_prices pl WHERE pl.product_id = p.id), '[]'::jsonb) AS prices,
  coalesce((SELECT jsonb_object_agg(pt.language, jsonb_build_object('name', pt.name, 'description', pt.description))
            FROM product_translations pt WHERE pt.product_id = p.id), '{}'::jsonb) AS translations,
  coalesce((SELECT jsonb_agg(jsonb_build_object('id', pi.image_id, 'width', pi.width, 'height', pi.height, 'alt', pi.alt, 'variants', pi.variants)
                             ORDER BY pi.position, pi.created_at, pi.image_id)
            FROM product_images pi WHERE pi.product_id = p.id), '[]'::jsonb) AS images`;

/** The tables of a product read. */
export const productFrom = `
  FROM products p
  LEFT JOIN categories c ON c.id = p.category_id
  LEFT JOIN inventory i ON i.product_id = p.id`;

/** The columns of a category read. */
export const categoryColumns = 'id, parent_id, slug, name, path';

/** A product read row as the domain's product. */
export function toProduct(row: ProductRow): ProductWithAvailability {
  const category: CategoryRef | null =
    row.category_id && row.category_slug && row.category_name && row.category_path ? { id: row.category_id, slug: row.category_slug, name: row.category_name, path: row.category_path } : null;
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    brand: row.brand,
    category,
    imageUrls: row.image_urls,
    images: row.images,
    attributes: row.attributes,
    price: { amount: Number(row.price_amount), currency: row.price_currency },
    prices: row.prices.map((entry) => ({ amount: Number(entry.amount), currency: entry.currency, derived: entry.derived })),
    translations: row.translations,
    status: row.status,
    version: row.version,
    source: row.source,
    externalId: row.external_id,
    contentHash: row.content_hash,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    onHand: Number(row.on_hand),
    reserved: Number(row.reserved),
  };
}

/** A categories row as the domain's category. */
export function toCategory(row: CategoryRow): Category {
  return { id: row.id, parentId: row.parent_id, slug: row.slug, name: row.name, path: row.path };
}

/**
 * The product writes of one transaction that admin changes and the sync both make; their transactions extend it. A
 * write that changes a product's price or availability appends a history snapshot with `snapshotSource`, dated with
 * the `now` it writes as updated_at (a seed's past clock dates its history in the past).
 */
export class SqlProductWrites implements ProductWrites {
  constructor(
    protected readonly sql: SqlExecutor,
    private readonly snapshotSource: Extract<SnapshotSource, 'admin' | 'sync' | 'seed'>,
    private readonly pricing: PriceListPolicy = noConversion,
  ) {}

  async productIdUsingSku(sku: string): Promise<string | undefined> {
    const { rows } = await this.sql.query<{ id: string }>('SELECT id FROM products WHERE sku = $1', [sku]);
    return rows[0]?.id;
  }

  async insertProduct(product: NewProductRecord): Promise<boolean> {
    const { rows } = await this.sql.query<{ id: string }>(
      `INSERT INTO products (id, sku, name, description, brand, category_id, image_urls, attributes, price_amount, price_currency, status,
                             version, source, external_id, content_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, 1, $12, $13, $14, $15, $15)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        product.id,
        ...editableColumnValues(product),
        product.source,
        product.externalId,
        product.contentHash,
        product.now,
      ],
    );
    if (rows.length === 0) return false;
    await this.sql.query(
      `WITH changed AS (
         INSERT INTO inventory (product_id, on_hand, reserved, updated_at) VALUES ($1, 0, 0, $2)
         RETURNING product_id, updated_at AS at, $3::bigint AS price_amount, $4::text AS price_currency, 0 AS available
       )${appendSnapshotsCte('changed', this.snapshotSource)}
       SELECT 1`,
      [product.id, product.now, product.priceAmount, product.priceCurrency],
    );
    await writePriceList(this.sql, product.id, product, this.pricing);
    if (Object.keys(product.translations).length > 0) await writeTranslations(this.sql, product.id, product.translations);
    return true;
  }

  async updateProduct(id: string, expectedVersion: number, product: ProductRecord, now: Date): Promise<number | undefined> {
    // The snapshot only when the price changed; `before` reads the row this statement updates (the caller locked it).
    const { rows } = await this.sql.query<{ version: number }>(
      `WITH before AS (SELECT price_amount, price_currency FROM products WHERE id = $1 AND version = $2),
       updated AS (
         UPDATE products SET sku = $3, name = $4, description = $5, brand = $6, category_id = $7, image_urls = $8::jsonb, attributes = $9::jsonb,
                price_amount = $10, price_currency = $11, status = $12, content_hash = $13, updated_at = $14, version = version + 1
         WHERE id = $1 AND version = $2
         RETURNING id, version, updated_at, price_amount, price_currency
       ),
       changed AS (
         SELECT u.id AS product_id, u.updated_at AS at, u.price_amount, u.price_currency, coalesce(i.on_hand - i.reserved, 0) AS available
         FROM updated u CROSS JOIN before b LEFT JOIN inventory i ON i.product_id = u.id
         WHERE (b.price_amount, b.price_currency) IS DISTINCT FROM (u.price_amount, u.price_currency)
       )${appendSnapshotsCte('changed', this.snapshotSource)}
       SELECT version FROM updated`,
      [
        id,
        expectedVersion,
        ...editableColumnValues(product),
        product.contentHash,
        now,
      ],
    );
    if (rows[0]) {
      await writePriceList(this.sql, id, product, this.pricing);
      await writeTranslations(this.sql, id, product.translations);
    }
    return rows[0]?.version;
  }

  async setOnHand(id: string, onHand: number, now: Date): Promise<boolean> {
    // `before` locks the row, so it reads what a reservation committed meanwhile: a snapshot only when availability moved.
    const { rows } = await this.sql.query<{ product_id: string }>(
      `WITH before AS (SELECT on_hand - reserved AS available FROM inventory WHERE product_id = $1 FOR UPDATE),
       upserted AS (
         INSERT INTO inventory (product_id, on_hand, reserved, updated_at) VALUES ($1, $2, 0, $3)
         ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at
         WHERE inventory.reserved <= EXCLUDED.on_hand
         RETURNING product_id, updated_at AS at, on_hand - reserved AS available
       ),
       changed AS (
         SELECT u.product_id, u.at, p.price_amount, p.price_currency, u.available
         FROM upserted u JOIN products p ON p.id = u.product_id LEFT JOIN before b ON true
         WHERE b.available IS DISTINCT FROM u.available
       )${appendSnapshotsCte('changed', this.snapshotSource)}
       SELECT product_id FROM upserted`,
      [id, onHand, now],
    );
    return rows.length === 1;
  }

  enqueueProductEvent(event: ProductEvent): Promise<void> {
    return outbox.enqueueProductEvent(this.sql, event);
  }
}

/**
 * Replaces a product's price list with the one its base price and the policy give: the base row, the derived rows
 * (converted again, so a base price change moves them), and any explicit row of a currency the list still names is kept.
 */
async function writePriceList(sql: SqlExecutor, productId: string, product: Pick<ProductRecord, 'priceAmount' | 'priceCurrency' | 'explicitPrices'>, pricing: PriceListPolicy): Promise<void> {
  // The whole list: the base row, the explicit prices, a derived row per other convertible market currency. One
  // statement writes it and drops every other row of the product (those currencies are disjoint from the list's, so
  // the delete and the upsert never touch the same row).
  const wanted = priceListOf({ amount: product.priceAmount, currency: product.priceCurrency }, product.explicitPrices, pricing);
  await sql.query(
    `WITH wanted AS (
       SELECT * FROM unnest($2::text[], $3::bigint[], $4::boolean[]) AS w(currency, amount_minor, derived)
     ), dropped AS (
       DELETE FROM product_prices pp
       WHERE pp.product_id = $1 AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.currency = pp.currency)
     )
     INSERT INTO product_prices (product_id, currency, amount_minor, derived)
     SELECT $1, currency, amount_minor, derived FROM wanted
     ON CONFLICT (product_id, currency) DO UPDATE SET amount_minor = EXCLUDED.amount_minor, derived = EXCLUDED.derived
     WHERE (product_prices.amount_minor, product_prices.derived) IS DISTINCT FROM (EXCLUDED.amount_minor, EXCLUDED.derived)`,
    [productId, wanted.map((entry) => entry.currency), wanted.map((entry) => entry.amount), wanted.map((entry) => entry.derived)],
  );
}

/** Replaces a product's translations with these (one statement): other languages' rows go, changed texts are rewritten. */
async function writeTranslations(sql: SqlExecutor, productId: string, translations: ProductRecord['translations']): Promise<void> {
  const languages = Object.keys(translations);
  await sql.query(
    `WITH wanted AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) AS w(language, name, description)
     ), dropped AS (
       DELETE FROM product_translations pt
       WHERE pt.product_id = $1 AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.language = pt.language)
     )
     INSERT INTO product_translations (product_id, language, name, description)
     SELECT $1, language, name, description FROM wanted
     ON CONFLICT (product_id, language) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description
     WHERE (product_translations.name, product_translations.description) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description)`,
    [productId, languages, languages.map((language) => translations[language].name), languages.map((language) => translations[language].description)],
  );
}

/** Writes price list rows (one statement); a row of the same product and currency is replaced. */
async function upsertPriceLists(sql: SqlExecutor, rows: ReadonlyArray<{ productId: string; currency: string; amount: number; derived: boolean }>): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO product_prices (product_id, currency, amount_minor, derived)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::boolean[])
     ON CONFLICT (product_id, currency) DO UPDATE SET amount_minor = EXCLUDED.amount_minor, derived = EXCLUDED.derived
     WHERE (product_prices.amount_minor, product_prices.derived) IS DISTINCT FROM (EXCLUDED.amount_minor, EXCLUDED.derived)`,
    [rows.map((row) => row.productId), rows.map((row) => row.currency), rows.map((row) => row.amount), rows.map((row) => row.derived)],
  );
}

/**
 * Brings every product's price list in line with the policy (at start: after the markets or the rates changed, or
 * after the migration that added price lists): derived rows converted again, currencies no market uses any more
 * dropped, explicit rows kept. Idempotent; returns how many products it looked at. Pages by id, so memory stays bounded.
 */
export async function completePriceLists(sql: SqlExecutor, pricing: PriceListPolicy, pageSize = 1000): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let seen = 0;
  for (;;) {
    const { rows } = await sql.query<{ id: string; price_amount: number; price_currency: string; explicit: Array<{ currency: string; amount: number }> }>(
      `SELECT p.id, p.price_amount, p.price_currency,
              coalesce((SELECT jsonb_agg(jsonb_build_object('currency', pp.currency, 'amount', pp.amount_minor)) FROM product_prices pp
                        WHERE pp.product_id = p.id AND NOT pp.derived AND pp.currency <> p.price_currency), '[]'::jsonb) AS explicit
       FROM products p WHERE p.id > $1 ORDER BY p.id LIMIT $2`,
      [after, pageSize],
    );
    if (rows.length === 0) return seen;
    const lists = rows.map((row) => ({
      productId: row.id,
      list: priceListOf({ amount: Number(row.price_amount), currency: row.price_currency }, row.explicit.map((price) => ({ amount: Number(price.amount), currency: price.currency })), pricing),
    }));
    await upsertPriceLists(sql, lists.flatMap(({ productId, list }) => list.map((entry) => ({ productId, ...entry }))));
    await sql.query(
      `DELETE FROM product_prices pp USING unnest($1::uuid[], $2::text[]) AS keep(product_id, currencies)
       WHERE pp.product_id = keep.product_id AND NOT (pp.currency = ANY(string_to_array(keep.currencies, ',')))`,
      [lists.map(({ productId }) => productId), lists.map(({ list }) => list.map((entry) => entry.currency).join(','))],
    );
    seen += rows.length;
    after = rows[rows.length - 1].id;
  }
}

/**
 * Completes the price lists when the policy changed since the last completion, else does nothing: replicas starting
 * together serialise on an advisory lock and the later ones find the new fingerprint recorded. The pass and the
 * record share one transaction, so a pass cut short (a restart, a lost connection) leaves the old fingerprint and the
 * next start does it again. Returns how many products it looked at (0 when the lists were current).
 */
export async function completePriceListsOnPolicyChange(db: Database, pricing: PriceListPolicy, pageSize = 1000): Promise<number> {
  const fingerprint = policyFingerprint(pricing);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['price_list_policy']);
    const recorded = await tx.query<{ fingerprint: string }>('SELECT fingerprint FROM price_list_policy');
    if (recorded.rows[0]?.fingerprint === fingerprint) return 0;
    const seen = await completePriceLists(tx, pricing, pageSize);
    await tx.query(
      `INSERT INTO price_list_policy (singleton, fingerprint, completed_at) VALUES (true, $1, now())
       ON CONFLICT (singleton) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, completed_at = EXCLUDED.completed_at`,
      [fingerprint],
    );
    return seen;
  });
}

/** Bumps a product's version (a change beside its columns: stock, images) if it is still `expectedVersion`; the new version, or undefined. */
export async function touchProductVersion(sql: SqlExecutor, id: string, expectedVersion: number, now: Date): Promise<number | undefined> {
  const { rows } = await sql.query<{ version: number }>('UPDATE products SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2 RETURNING version', [id, expectedVersion, now]);
  return rows[0]?.version;
}

/** The columns an edit may change, in the order the INSERT and the UPDATE above list them (sku … status). */
function editableColumnValues(product: ProductRecord): unknown[] {
  return [
    product.sku,
    product.name,
    product.description,
    product.brand,
    product.categoryId,
    JSON.stringify(product.imageUrls),
    JSON.stringify(product.attributes),
    product.priceAmount,
    product.priceCurrency,
    product.status,
  ];
}
