import { randomUUID } from 'node:crypto';
import type { SyncRejection } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { noConversion, type PriceListPolicy } from '../domain/price-list';
import type { ArchivedProduct, CatalogSyncRepository, CatalogSyncTransaction } from '../domain/catalog-sync.ports';
import { DuplicateKeyError, type Category } from '../domain/ports';
import type { ProductWithAvailability } from '../domain/product';
import { slugify } from '../domain/slug';
import type { SyncRun } from '../domain/sync-run';
import * as outbox from './outbox';
import { SqlProductWrites, categoryColumns, productColumns, productFrom, toCategory, toProduct, type CategoryRow, type ProductRow } from './product-tables';

/** The sync runs and the sync's product upserts in PostgreSQL (or PGlite). */
export class SqlCatalogSyncRepository implements CatalogSyncRepository {
  constructor(
    private readonly db: Database,
    private readonly pricing: PriceListPolicy = noConversion,
  ) {}

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

  transaction<T>(work: (tx: CatalogSyncTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((sql) => work(new SqlCatalogSyncTransaction(sql, 'sync', this.pricing)));
  }
}

/** The statements of one sync transaction (a batch, or the finish of a run). */
class SqlCatalogSyncTransaction extends SqlProductWrites implements CatalogSyncTransaction {
  private savepoints = 0;

  claimInboxEvent(consumer: string, eventId: string): Promise<boolean> {
    return outbox.claimInboxEvent(this.sql, consumer, eventId);
  }

  async lockProductBySourceKey(source: string, externalId: string): Promise<ProductWithAvailability | undefined> {
    const { rows } = await this.sql.query<ProductRow>(`SELECT ${productColumns} ${productFrom} WHERE p.source = $1 AND p.external_id = $2 FOR UPDATE OF p`, [source, externalId]);
    return rows[0] ? toProduct(rows[0]) : undefined;
  }

  async ensureCategoryPath(names: string[]): Promise<Category> {
    let parent: Category | undefined;
    for (let depth = 0; depth < names.length; depth += 1) {
      const path = names.slice(0, depth + 1).join(' > ');
      const existing = await this.sql.query<CategoryRow>(`SELECT ${categoryColumns} FROM categories WHERE path = $1`, [path]);
      if (existing.rows[0]) {
        parent = toCategory(existing.rows[0]);
        continue;
      }
      const slug = await this.freeSlug(names[depth], parent?.slug, path);
      const inserted = await this.sql.query<CategoryRow>(
        `INSERT INTO categories (id, parent_id, slug, name, path) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (path) DO UPDATE SET path = EXCLUDED.path
         RETURNING ${categoryColumns}`,
        [randomUUID(), parent?.id ?? null, slug, names[depth], path],
      );
      parent = toCategory(inserted.rows[0]);
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

  async archiveProductsNotSeenInRun(run: Pick<SyncRun, 'id' | 'source' | 'startedAt'>, now: Date): Promise<ArchivedProduct[]> {
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
