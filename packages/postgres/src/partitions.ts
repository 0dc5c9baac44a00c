import type { Database, SqlExecutor } from './database';

/** What `maintainMonthlyPartitions` is asked to keep. */
export interface MonthlyPartitionSettings {
  /** A table declared `PARTITION BY RANGE (at)` with a DEFAULT partition named `<table>_default`. */
  table: string;
  /** Months after the current one that get their partition now. Default 3. */
  monthsAhead?: number;
  /** Partitions whose whole month ended more than this many months before the current month's start are dropped. */
  retentionMonths: number;
  /** The instant the months are counted from (UTC). Default: the current time. */
  now?: Date;
}

/** What one maintenance run changed. */
export interface PartitionMaintenanceResult {
  /** Partitions this run created, oldest first. */
  created: string[];
  /** Partitions this run detached and dropped, oldest first. */
  dropped: string[];
  /** Rows moved out of the default partition into the partition of their month. */
  movedFromDefault: number;
}

/** A table name written into SQL: lower-case letters, digits and `_` only (the schema comes from the search_path). */
const tableNamePattern = /^[a-z_][a-z0-9_]{0,40}$/;

/**
 * Keeps a monthly range-partitioned table in shape: creates the partitions of the current month and of `monthsAhead`
 * months after it (and of any month within retention whose rows landed in the default partition), moving such rows
 * out of the default partition first, and detaches and drops the partitions past retention (rows past retention left
 * in the default partition are deleted too). Idempotent; two runs at once serialise on an advisory lock of the table,
 * so the second finds the work done. Names are unqualified: the connection's search_path (the service's schema)
 * finds the table, as it does for the migrations.
 */
export async function maintainMonthlyPartitions(db: Database, settings: MonthlyPartitionSettings): Promise<PartitionMaintenanceResult> {
  const { table, monthsAhead = 3, retentionMonths } = settings;
  if (!tableNamePattern.test(table)) throw new Error(`"${table}" is not a plain table name`);
  if (!Number.isInteger(monthsAhead) || monthsAhead < 0) throw new Error('monthsAhead must be an integer of 0 or more');
  if (!Number.isInteger(retentionMonths) || retentionMonths < 1) throw new Error('retentionMonths must be an integer of 1 or more');
  const currentMonth = startOfMonth(settings.now ?? new Date());
  const cutoff = addMonths(currentMonth, -retentionMonths);
  const defaultPartition = `${table}_default`;

  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`partitions:${table}`]);
    const existing = await partitionMonthsOf(tx, table);
    const wanted = new Map<string, Date>();
    for (let offset = 0; offset <= monthsAhead; offset += 1) {
      const month = addMonths(currentMonth, offset);
      wanted.set(partitionName(table, month), month);
    }
    // Rows of a month without a partition (a far-future `at`, a seed dated in the past) wait in the default partition.
    const { rows: strandedMonths } = await tx.query<{ month: Date }>(
      `SELECT DISTINCT date_trunc('month', at, 'UTC') AS month FROM ${defaultPartition} WHERE at >= $1`,
      [cutoff],
    );
    for (const { month } of strandedMonths) wanted.set(partitionName(table, new Date(month)), new Date(month));

    const missing = [...wanted].filter(([name]) => !existing.has(name)).sort(([, a], [, b]) => a.getTime() - b.getTime());
    const result: PartitionMaintenanceResult = { created: [], dropped: [], movedFromDefault: 0 };
    if (missing.length > 0) {
      // No insert may land in the default partition between moving a month's rows out and creating its partition
      // (creating it would then fail): writers wait for this short transaction, readers do not.
      await tx.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
      for (const [name, month] of missing) {
        const bounds = [month.toISOString(), addMonths(month, 1).toISOString()];
        const moving = `${name}_moving`;
        await tx.query(`CREATE TEMP TABLE ${moving} ON COMMIT DROP AS WITH moved AS (DELETE FROM ${defaultPartition} WHERE at >= $1 AND at < $2 RETURNING *) SELECT * FROM moved`, bounds);
        await tx.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM ('${bounds[0]}') TO ('${bounds[1]}')`);
        const moved = await tx.query(`INSERT INTO ${table} SELECT * FROM ${moving}`);
        await tx.query(`DROP TABLE ${moving}`);
        result.created.push(name);
        result.movedFromDefault += moved.rowCount;
      }
    }

    const expired = [...existing].filter(([, month]) => addMonths(month, 1) <= cutoff).sort(([, a], [, b]) => a.getTime() - b.getTime());
    for (const [name] of expired) {
      await tx.query(`ALTER TABLE ${table} DETACH PARTITION ${name}`);
      await tx.query(`DROP TABLE ${name}`);
      result.dropped.push(name);
    }
    await tx.query(`DELETE FROM ${defaultPartition} WHERE at < $1`, [cutoff]);
    return result;
  });
}

/** The monthly partitions of `table` (found by their names, `<table>_yYYYYmMM`) with the month each holds. */
async function partitionMonthsOf(tx: SqlExecutor, table: string): Promise<Map<string, Date>> {
  const { rows } = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)`,
    [table],
  );
  const pattern = new RegExp(`^${table}_y(\\d{4})m(\\d{2})$`);
  const months = new Map<string, Date>();
  for (const { name } of rows) {
    const match = pattern.exec(name);
    if (match) months.set(name, new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
  }
  return months;
}

/** The name of a month's partition: `<table>_yYYYYmMM`. */
export function partitionName(table: string, month: Date): string {
  return `${table}_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

function startOfMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

function addMonths(month: Date, months: number): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + months, 1));
}
