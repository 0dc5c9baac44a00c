import pg from 'pg';
import type { Database, IsolationLevel, QueryResult, SqlExecutor } from './database';

/** int8 (count(*), sums, bigint ids) as a JS number, as PGlite does, so both adapters return the same shapes. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
  },
};

/** Pool sizing of the pg adapter. */
export interface PgDatabaseOptions {
  url: string;
  /** Read replica URL; read-only queries go there when set. */
  readUrl?: string;
  maxConnections?: number;
  /** Sent to the server so its views show which service holds a connection. */
  applicationName?: string;
  statementTimeoutMs?: number;
}

/** The Database port on real PostgreSQL through `pg` pools. */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly primary: pg.Pool;
  private readonly replica?: pg.Pool;

  constructor(options: PgDatabaseOptions) {
    const common = {
      max: options.maxConnections ?? 10,
      application_name: options.applicationName,
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      types: typeParsers,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    };
    this.primary = new pg.Pool({ connectionString: options.url, ...common });
    if (options.readUrl) this.replica = new pg.Pool({ connectionString: options.readUrl, ...common });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    const ignoreIdleError = () => undefined;
    this.primary.on('error', ignoreIdleError);
    this.replica?.on('error', ignoreIdleError);
  }

  async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    const result = await this.primary.query(sql, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async readQuery<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    const result = await (this.replica ?? this.primary).query(sql, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T> {
    const client = await this.primary.connect();
    const tx: SqlExecutor = {
      query: async <R>(sql: string, params?: unknown[]) => {
        const result = await client.query(sql, params as unknown[]);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      },
    };
    let broken = false;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${(options?.isolation ?? 'read committed').toUpperCase()}`);
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async exec(script: string): Promise<void> {
    await this.primary.query(script);
  }

  async ping(): Promise<void> {
    await this.primary.query('SELECT 1');
    if (this.replica) await this.replica.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.end(), this.replica?.end()]);
  }
}
