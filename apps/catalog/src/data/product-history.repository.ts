import { snapshotSources, type HistoryInterval, type PartitionMaintenanceReport, type SnapshotSource } from '@shop/contracts';
import { maintainMonthlyPartitions, type Database } from '@shop/postgres';
import type { HistoryBucketRecord, HistorySnapshotRecord, ProductHistoryRepository } from '../domain/product-history.service';

// The product history table (`product_snapshots`, partitioned by month on `at`, see migration 004): the statement part
// every price or stock write appends its snapshots with, and the bucketed reads of the partner history route.

/** The partitioned table of product snapshots (its partitions are kept by maintainMonthlyPartitions). */
export const productSnapshotsTable = 'product_snapshots';

/** Creates the product history's partitions ahead and drops those past retention (idempotent, safe to run twice at once). */
export async function maintainProductSnapshotPartitions(db: Database, settings: { retentionMonths: number; now?: Date }): Promise<PartitionMaintenanceReport> {
  return { table: productSnapshotsTable, ...(await maintainMonthlyPartitions(db, { table: productSnapshotsTable, ...settings })) };
}

/**
 * A CTE (`, snapshot AS (...)`, to follow a data-modifying CTE named `from`) that appends one snapshot per row of
 * `from`, whose columns must be `product_id, at, price_amount, price_currency, available`; `where` keeps only the
 * rows whose price or availability changed. One extra insert in the writer's own statement: no round trip.
 */
export function appendSnapshotsCte(from: string, source: SnapshotSource, where = 'true'): string {
  // The source is spliced in as a literal: it must come from the closed list, never from input.
  if (!snapshotSources.includes(source)) throw new Error(`unknown snapshot source ${String(source)}`);
  return `, snapshot AS (
    INSERT INTO ${productSnapshotsTable} (product_id, at, price_amount, currency, available, source)
    SELECT product_id, at, price_amount, price_currency, available, '${source}' FROM ${from} WHERE ${where}
  )`;
}

/**
 * The bucketed history of one product over [$2, $3): `at` bounds the scan so the planner prunes every partition
 * outside the range; buckets are `date_trunc` in UTC; first and last by (at, seq), `seq` ordering the snapshots of
 * one transaction. Exported so a test can EXPLAIN exactly this statement.
 */
export const historyBucketsSql = `
  SELECT date_trunc($4, at, 'UTC') AS start,
         (array_agg(price_amount ORDER BY at, seq))[1] AS first_amount,
         (array_agg(currency ORDER BY at, seq))[1] AS first_currency,
         (array_agg(price_amount ORDER BY at DESC, seq DESC))[1] AS last_amount,
         (array_agg(currency ORDER BY at DESC, seq DESC))[1] AS last_currency,
         (array_agg(price_amount ORDER BY price_amount, at, seq))[1] AS min_amount,
         (array_agg(currency ORDER BY price_amount, at, seq))[1] AS min_currency,
         (array_agg(price_amount ORDER BY price_amount DESC, at, seq))[1] AS max_amount,
         (array_agg(currency ORDER BY price_amount DESC, at, seq))[1] AS max_currency,
         (array_agg(available ORDER BY at, seq))[1] AS first_available,
         (array_agg(available ORDER BY at DESC, seq DESC))[1] AS last_available,
         min(available) AS min_available,
         max(available) AS max_available,
         count(*) AS changes
  FROM ${productSnapshotsTable}
  WHERE product_id = $1 AND at >= $2 AND at < $3
  GROUP BY 1
  ORDER BY 1`;

interface BucketRow {
  start: Date;
  first_amount: number;
  first_currency: string;
  last_amount: number;
  last_currency: string;
  min_amount: number;
  min_currency: string;
  max_amount: number;
  max_currency: string;
  first_available: number;
  last_available: number;
  min_available: number;
  max_available: number;
  changes: number;
}

/** The product history reads in PostgreSQL (or PGlite); on the read replica when there is one. */
export class SqlProductHistoryRepository implements ProductHistoryRepository {
  constructor(private readonly db: Database) {}

  async productExists(productId: string): Promise<boolean> {
    const { rows } = await this.db.readQuery('SELECT 1 FROM products WHERE id = $1', [productId]);
    return rows.length > 0;
  }

  async lastSnapshotBefore(productId: string, before: Date): Promise<HistorySnapshotRecord | undefined> {
    const { rows } = await this.db.readQuery<{ at: Date; price_amount: number; currency: string; available: number }>(
      `SELECT at, price_amount, currency, available FROM ${productSnapshotsTable}
       WHERE product_id = $1 AND at < $2 ORDER BY at DESC, seq DESC LIMIT 1`,
      [productId, before],
    );
    const row = rows[0];
    return row ? { at: new Date(row.at), price: { amount: Number(row.price_amount), currency: row.currency }, available: Number(row.available) } : undefined;
  }

  async buckets(productId: string, range: { from: Date; to: Date; interval: HistoryInterval }): Promise<HistoryBucketRecord[]> {
    const { rows } = await this.db.readQuery<BucketRow>(historyBucketsSql, [productId, range.from, range.to, range.interval]);
    return rows.map((row) => ({
      start: new Date(row.start),
      price: {
        first: { amount: Number(row.first_amount), currency: row.first_currency },
        last: { amount: Number(row.last_amount), currency: row.last_currency },
        min: { amount: Number(row.min_amount), currency: row.min_currency },
        max: { amount: Number(row.max_amount), currency: row.max_currency },
      },
      available: { first: Number(row.first_available), last: Number(row.last_available), min: Number(row.min_available), max: Number(row.max_available) },
      changes: Number(row.changes),
    }));
  }
}
