import { randomUUID } from 'node:crypto';
import { Topics } from '@shop/contracts';
import type { Database, SqlExecutor } from '@shop/postgres';
import type { CategoryRef, ProductStatus, ProductWithAvailability } from '../domain/product';
import type { ProductSearch } from '../domain/product-search';
import { DuplicateKeyError, type CatalogRepository, type CatalogTransaction, type Category, type ProductHit, type ProductLookup, type ProductRecord } from '../domain/ports';
import { slugify } from '../domain/slug';
import type { SyncRejection, SyncRun } from '../domain/sync-run';
import { claimInboxEvent, enqueueEvent } from './outbox';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string | null;
  image_urls: string[];
  attributes: Record<string, unknown>;
  price_amount: number;
  price_currency: string;
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

interface CategoryRow {
  id: string;
  parent_id: string | null;
  slug: string;
  name: string;
  path: string;
}

const productColumns = `
  p.id, p.sku, p.name, p.description, p.brand, p.image_urls, p.attributes, p.price_amount, p.price_currency, p.status,
  p.version, p.source, p.external_id, p.content_hash, p.created_at, p.updated_at,
  c.id AS category_id, c.slug AS category_slug, c.name AS category_name, c.path AS category_path,
  coalesce(i.on_hand, 0) AS on_hand, coalesce(i.reserved, 0) AS reserved`;

const productFrom = `
  FROM products p
  LEFT JOIN categories c ON c.id = p.category_id
  LEFT JOIN inventory i ON i.product_id = p.id`;

/** Ranks are compared in cursors, so they are integers (millionths), never floats. */
const RANK_SCALE = 1_000_000;

/** The catalog's tables in PostgreSQL (or PGlite): products, categories, inventory, and the outbox. */
export class SqlCatalogRepository implements CatalogRepository {
  constructor(private readonly db: Database) {}

  async findProduct(lookup: ProductLookup): Promise<ProductWithAvailability | undefined> {
    const [column, value] = 'id' in lookup ? ['p.id', lookup.id] : ['p.sku', lookup.sku];
    const params: unknown[] = [value];
    let sql = `SELECT ${productColumns} ${productFrom} WHERE ${column} = $1`;
    if (lookup.statuses) {
      params.push(lookup.statuses);
      sql += ' AND p.status = ANY($2::text[])';
    }
    const { rows } = await this.db.query<ProductRow>(sql, params);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async searchProducts(search: ProductSearch): Promise<ProductHit[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [`p.status = ANY(${param(search.statuses)}::text[])`];
    let rank = '0::bigint';
    if (search.q) {
      const query = tsQueryOf(search.q, param);
      where.push(`p.search_vector @@ (${query})`);
      rank = `round(ts_rank(p.search_vector, ${query}) * ${RANK_SCALE})::bigint`;
    }
    if (search.category !== undefined) {
      where.push(`p.category_id IN (
        WITH RECURSIVE subtree AS (
          SELECT id FROM categories WHERE slug = ${param(search.category)}
          UNION ALL
          SELECT child.id FROM categories child JOIN subtree ON child.parent_id = subtree.id
        )
        SELECT id FROM subtree)`);
    }
    if (search.brand !== undefined) where.push(`lower(p.brand) = lower(${param(search.brand)})`);
    if (search.minPrice !== undefined) where.push(`p.price_amount >= ${param(search.minPrice)}`);
    if (search.maxPrice !== undefined) where.push(`p.price_amount <= ${param(search.maxPrice)}`);
    if (search.inStock !== undefined) where.push(`coalesce(i.on_hand, 0) - coalesce(i.reserved, 0) ${search.inStock ? '>' : '<='} 0`);

    const [keyColumn, direction] = orderOf(search.sort);
    const outerWhere: string[] = [];
    if (search.after) {
      const after = search.after;
      const key = after.sort === 'newest' ? `${param(after.createdAt)}::timestamptz` : after.sort === 'relevance' ? `${param(after.rank)}::bigint` : `${param(after.price)}::bigint`;
      outerWhere.push(`(hits.${keyColumn}, hits.id) ${direction === 'DESC' ? '<' : '>'} (${key}, ${param(after.id)}::uuid)`);
    }
    const sql = `
      SELECT * FROM (
        SELECT ${productColumns}, ${rank} AS rank ${productFrom}
        WHERE ${where.join(' AND ')}
      ) hits
      ${outerWhere.length > 0 ? `WHERE ${outerWhere.join(' AND ')}` : ''}
      ORDER BY hits.${keyColumn} ${direction}, hits.id ${direction}
      LIMIT ${param(search.limit + 1)}`;
    const { rows } = await this.db.readQuery<ProductRow>(sql, params);
    return rows.map((row) => ({ ...toProduct(row), rank: Number(row.rank ?? 0) }));
  }

  async listCategories(): Promise<Category[]> {
    const { rows } = await this.db.readQuery<CategoryRow>('SELECT id, parent_id, slug, name, path FROM categories ORDER BY path');
    return rows.map(toCategory);
  }

  async countProducts(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>('SELECT count(*) AS count FROM products');
    return Number(rows[0]?.count ?? 0);
  }

  async findSyncRun(id: string): Promise<SyncRun | undefined> {
    const { rows } = await this.db.query<SyncRunRow>(`SELECT ${syncRunColumns} FROM sync_runs WHERE id = $1`, [id]);
    return rows[0] ? toSyncRun(rows[0]) : undefined;
  }

  async listSyncRuns(query: { source?: string; limit: number }): Promise<SyncRun[]> {
    const { rows } = await this.db.query<SyncRunRow>(
      `SELECT ${syncRunColumns} FROM sync_runs WHERE ($1::text IS NULL OR source = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
      [query.source ?? null, query.limit],
    );
    return rows.map(toSyncRun);
  }

  transaction<T>(work: (tx: CatalogTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((sql) => work(new SqlCatalogTransaction(sql)));
  }
}

/** The write operations of one database transaction. */
class SqlCatalogTransaction implements CatalogTransaction {
  private savepoints = 0;

  constructor(private readonly sql: SqlExecutor) {}

  async lockProduct(id: string): Promise<ProductWithAvailability | undefined> {
    const { rows } = await this.sql.query<ProductRow>(`SELECT ${productColumns} ${productFrom} WHERE p.id = $1 FOR UPDATE OF p`, [id]);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async lockProductBySourceKey(source: string, externalId: string): Promise<ProductWithAvailability | undefined> {
    const { rows } = await this.sql.query<ProductRow>(`SELECT ${productColumns} ${productFrom} WHERE p.source = $1 AND p.external_id = $2 FOR UPDATE OF p`, [source, externalId]);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async findCategoryBySlug(slug: string): Promise<Category | undefined> {
    const { rows } = await this.sql.query<CategoryRow>('SELECT id, parent_id, slug, name, path FROM categories WHERE slug = $1', [slug]);
    return rows[0] ? toCategory(rows[0]) : undefined;
  }

  async ensureCategoryPath(names: string[]): Promise<Category> {
    let parent: Category | undefined;
    for (let depth = 0; depth < names.length; depth += 1) {
      const path = names.slice(0, depth + 1).join(' > ');
      const existing = await this.sql.query<CategoryRow>('SELECT id, parent_id, slug, name, path FROM categories WHERE path = $1', [path]);
      if (existing.rows[0]) {
        parent = toCategory(existing.rows[0]);
        continue;
      }
      const slug = await this.freeSlug(names[depth]!, parent?.slug, path);
      const inserted = await this.sql.query<CategoryRow>(
        `INSERT INTO categories (id, parent_id, slug, name, path) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (path) DO UPDATE SET path = EXCLUDED.path
         RETURNING id, parent_id, slug, name, path`,
        [randomUUID(), parent?.id ?? null, slug, names[depth], path],
      );
      parent = toCategory(inserted.rows[0]!);
    }
    return parent!;
  }

  /** The leaf name's slug, else prefixed with the parent's, else made unique with a digest of the path. */
  private async freeSlug(name: string, parentSlug: string | undefined, path: string): Promise<string> {
    const base = slugify(name);
    const candidates = [base, parentSlug ? `${parentSlug}-${base}`.slice(0, 90) : undefined, `${base}-${slugify(path).slice(-6)}-${randomUUID().slice(0, 6)}`].filter((c): c is string => !!c);
    for (const candidate of candidates) {
      const { rows } = await this.sql.query('SELECT 1 FROM categories WHERE slug = $1', [candidate]);
      if (rows.length === 0) return candidate;
    }
    return `${base}-${randomUUID().slice(0, 8)}`;
  }

  async productIdUsingSku(sku: string): Promise<string | undefined> {
    const { rows } = await this.sql.query<{ id: string }>('SELECT id FROM products WHERE sku = $1', [sku]);
    return rows[0]?.id;
  }

  async insertProduct(product: ProductRecord & { id: string; source: string | null; externalId: string | null; now: Date }): Promise<boolean> {
    const { rows } = await this.sql.query<{ id: string }>(
      `INSERT INTO products (id, sku, name, description, brand, category_id, image_urls, attributes, price_amount, price_currency, status,
                             version, source, external_id, content_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, 1, $12, $13, $14, $15, $15)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        product.id,
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
        product.source,
        product.externalId,
        product.contentHash,
        product.now,
      ],
    );
    if (rows.length === 0) return false;
    await this.sql.query('INSERT INTO inventory (product_id, on_hand, reserved, updated_at) VALUES ($1, 0, 0, $2)', [product.id, product.now]);
    return true;
  }

  async updateProduct(id: string, expectedVersion: number, product: ProductRecord, now: Date): Promise<number | undefined> {
    const { rows } = await this.sql.query<{ version: number }>(
      `UPDATE products SET sku = $3, name = $4, description = $5, brand = $6, category_id = $7, image_urls = $8::jsonb, attributes = $9::jsonb,
              price_amount = $10, price_currency = $11, status = $12, content_hash = $13, updated_at = $14, version = version + 1
       WHERE id = $1 AND version = $2
       RETURNING version`,
      [
        id,
        expectedVersion,
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
        product.contentHash,
        now,
      ],
    );
    return rows[0]?.version;
  }

  async touchProduct(id: string, expectedVersion: number, now: Date): Promise<number | undefined> {
    const { rows } = await this.sql.query<{ version: number }>('UPDATE products SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2 RETURNING version', [
      id,
      expectedVersion,
      now,
    ]);
    return rows[0]?.version;
  }

  async setOnHand(id: string, onHand: number, now: Date): Promise<boolean> {
    const { rows } = await this.sql.query<{ product_id: string }>(
      `INSERT INTO inventory (product_id, on_hand, reserved, updated_at) VALUES ($1, $2, 0, $3)
       ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at
       WHERE inventory.reserved <= EXCLUDED.on_hand
       RETURNING product_id`,
      [id, onHand, now],
    );
    return rows.length === 1;
  }

  async deleteProduct(id: string): Promise<boolean> {
    const { rows } = await this.sql.query('SELECT 1 FROM inventory_reservations WHERE product_id = $1 LIMIT 1', [id]);
    if (rows.length > 0) return false;
    await this.sql.query('DELETE FROM products WHERE id = $1', [id]);
    return true;
  }

  claimInboxEvent(consumer: string, eventId: string): Promise<boolean> {
    return claimInboxEvent(this.sql, consumer, eventId);
  }

  async enqueueProductEvent(type: string, productId: string, data: unknown): Promise<void> {
    await enqueueEvent(this.sql, Topics.products, { type, subject: productId, data });
  }

  async insertSyncRun(run: SyncRun): Promise<void> {
    await this.sql.query('INSERT INTO sync_runs (id, source, trigger, status, started_at) VALUES ($1, $2, $3, $4, $5)', [run.id, run.source, run.trigger, run.status, run.startedAt]);
  }

  async lockSyncRun(id: string): Promise<SyncRun | undefined> {
    const { rows } = await this.sql.query<SyncRunRow>(`SELECT ${syncRunColumns} FROM sync_runs WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toSyncRun(rows[0]) : undefined;
  }

  async saveSyncRun(run: SyncRun): Promise<void> {
    await this.sql.query(
      `UPDATE sync_runs SET status = $2, finished_at = $3, complete = $4, fetched = $5, created = $6, updated = $7, unchanged = $8,
              archived = $9, rejected = $10::jsonb, rejected_count = $11, errors = $12::jsonb, batches_expected = $13, batches_applied = $14
        WHERE id = $1`,
      [
        run.id, run.status, run.finishedAt, run.complete, run.fetched, run.created, run.updated, run.unchanged,
        run.archived, JSON.stringify(run.rejected), run.rejectedCount, JSON.stringify(run.errors), run.batchesExpected, run.batchesApplied,
      ],
    );
  }

  async markSeenInRun(source: string, externalIds: string[], runId: string): Promise<void> {
    if (externalIds.length === 0) return;
    await this.sql.query('UPDATE products SET last_seen_run_id = $3 WHERE source = $1 AND external_id = ANY ($2::text[])', [source, externalIds, runId]);
  }

  async archiveProductsNotSeenInRun(run: Pick<SyncRun, 'id' | 'source' | 'startedAt'>, now: Date): Promise<Array<{ id: string; sku: string; version: number }>> {
    const { rows } = await this.sql.query<{ id: string; sku: string; version: number }>(
      `UPDATE products p SET status = 'archived', version = p.version + 1, updated_at = $4, content_hash = NULL
        WHERE p.source = $1 AND p.status = 'active' AND p.last_seen_run_id IS DISTINCT FROM $2::uuid
          AND NOT EXISTS (SELECT 1 FROM sync_runs newer WHERE newer.id = p.last_seen_run_id AND newer.started_at > $3)
        RETURNING p.id, p.sku, p.version`,
      [run.source, run.id, run.startedAt, now],
    );
    return rows.map((row) => ({ id: row.id, sku: row.sku, version: Number(row.version) }));
  }

  async isolated<T>(work: () => Promise<T>): Promise<T> {
    this.savepoints += 1;
    const name = `record_${this.savepoints}`;
    await this.sql.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await this.sql.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.sql.query(`ROLLBACK TO SAVEPOINT ${name}`);
      if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505') {
        throw new DuplicateKeyError('a unique key is already taken', { cause: error });
      }
      throw error;
    }
  }
}

/**
 * The text-search query of `q`: websearch syntax (quotes, OR, -word; never a syntax error, whatever the input),
 * stemmed in English, or-ed with a prefix match of the last word for search-as-you-type ("wireless headph").
 */
function tsQueryOf(q: string, param: (value: unknown) => string): string {
  const words = `websearch_to_tsquery('english', ${param(q)})`;
  const last = /([\p{L}\p{N}]{2,})$/u.exec(q)?.[1];
  if (!last) return words;
  // Letters and digits only, so the prefix cannot carry tsquery operators.
  const prefix = `to_tsquery('simple', ${param(`${last.toLowerCase()}:*`)})`;
  const rest = q.slice(0, q.length - last.length).trim();
  return rest ? `(${words} || (websearch_to_tsquery('english', ${param(rest)}) && ${prefix}))` : `(${words} || ${prefix})`;
}

function orderOf(sort: ProductSearch['sort']): [column: string, direction: 'ASC' | 'DESC'] {
  switch (sort) {
    case 'newest':
      return ['created_at', 'DESC'];
    case 'price':
      return ['price_amount', 'ASC'];
    case '-price':
      return ['price_amount', 'DESC'];
    case 'relevance':
      return ['rank', 'DESC'];
  }
}

function toProduct(row: ProductRow): ProductWithAvailability {
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
    attributes: row.attributes,
    price: { amount: Number(row.price_amount), currency: row.price_currency },
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

interface SyncRunRow {
  id: string;
  source: string;
  trigger: SyncRun['trigger'];
  status: SyncRun['status'];
  started_at: Date;
  finished_at: Date | null;
  complete: boolean | null;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  rejected: SyncRejection[];
  rejected_count: number;
  errors: string[];
  batches_expected: number | null;
  batches_applied: number;
}

const syncRunColumns = `id, source, trigger, status, started_at, finished_at, complete, fetched, created, updated, unchanged, archived,
  rejected, rejected_count, errors, batches_expected, batches_applied`;

function toSyncRun(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    source: row.source,
    trigger: row.trigger,
    status: row.status,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    complete: row.complete,
    fetched: Number(row.fetched),
    created: Number(row.created),
    updated: Number(row.updated),
    unchanged: Number(row.unchanged),
    archived: Number(row.archived),
    rejected: row.rejected,
    rejectedCount: Number(row.rejected_count),
    errors: row.errors,
    batchesExpected: row.batches_expected === null ? null : Number(row.batches_expected),
    batchesApplied: Number(row.batches_applied),
  };
}

function toCategory(row: CategoryRow): Category {
  return { id: row.id, parentId: row.parent_id, slug: row.slug, name: row.name, path: row.path };
}
