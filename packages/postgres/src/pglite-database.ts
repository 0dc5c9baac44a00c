import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, IsolationLevel, QueryResult, SqlExecutor } from './database';

/**
 * The Database port on PGlite (PostgreSQL compiled to WASM, in-process): the embedded default when no
 * DATABASE_URL is set. One connection, so transactions run one after another: correct, not concurrent.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  /** Opens (or creates) a database in `dataDir`, or in memory when none is given. */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    return new PgliteDatabase(await PGlite.create(dataDir));
  }

  async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return toResult<R>(await this.db.query<R>(sql, params));
  }

  readQuery<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.query<R>(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T> {
    return this.db.transaction(async (transaction: Transaction) => {
      if (options?.isolation) await transaction.query(`SET TRANSACTION ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
      return work({ query: async <R>(sql: string, params?: unknown[]) => toResult<R>(await transaction.query<R>(sql, params)) });
    });
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

function toResult<R>(result: { rows: R[]; affectedRows?: number }): QueryResult<R> {
  return { rows: result.rows, rowCount: result.rows.length > 0 ? result.rows.length : (result.affectedRows ?? 0) };
}
