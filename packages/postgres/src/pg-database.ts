import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, IsolatedCircuitError, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import pg from 'pg';
import { AppError, silentLogger, type Logger } from '@shop/kernel';
import { databaseUnavailable, isConnectionFailure, isPoolExhausted } from './connection-failures';
import type { Database, IsolationLevel, QueryResult, ReadPathStatus, ReadServedBy, SqlExecutor } from './database';
import type { DatabasePasswordSource } from './entra-access-token';

/** int8 (count(*), sums, bigint ids) as a JS number, as PGlite does, so both adapters return the same shapes. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
  },
};

/** When the pg adapter stops calling a server that cannot be reached, and when it tries again. */
export interface DatabaseBreakerSettings {
  /** Connection failures in a row that open the breaker. Default 3. */
  consecutiveFailures?: number;
  /** How long the breaker stays open before one trial call may go through (half-open). Default 2000 ms. */
  halfOpenAfterMs?: number;
}

/** Pool sizing, timeouts and breaker of the pg adapter. */
export interface PgDatabaseOptions {
  url: string;
  /** Read replica URL; read-only queries go there when set. */
  readUrl?: string;
  maxConnections?: number;
  /** Sent to the server so its views show which service holds a connection. */
  applicationName?: string;
  /** The server cancels a statement running longer (statement_timeout). Default 5000 ms. */
  statementTimeoutMs?: number;
  /** Longest wait for a pooled connection, opening a new one included. Default 5000 ms (see DATABASE_ACQUIRE_TIMEOUT_MS). */
  acquireTimeoutMs?: number;
  /** Longest wait of `ping()` (readiness). Default 750 ms, so that it reports its own reason within a 1 s probe. */
  pingTimeoutMs?: number;
  breaker?: DatabaseBreakerSettings;
  /**
   * The most the replica may lag behind the primary and stay in the read path, in seconds (DATABASE_READ_MAX_LAG_SECONDS).
   * Default 10. Measured every `replicaLagCheckIntervalMs` (default 1000).
   */
  maxReplicaLagSeconds?: number;
  replicaLagCheckIntervalMs?: number;
  /** Where the opening and the closing of a breaker are reported. */
  logger?: Logger;
  /**
   * The service's own schema: every connection (primary, replica, probe) gets it as its `search_path`, and migrations
   * create it. PostgreSQL 15 and later (Azure's 16 too) no longer let an ordinary role create tables in `public`; a
   * role granted `ALL ON DATABASE` may create a schema, and owns what it creates there.
   */
  schema?: string;
  /**
   * Where the password of each new connection comes from, instead of the URL (which then carries none): Entra access
   * tokens with DATABASE_AUTH=entra (`entraPasswordSource`). Used by the primary, the replica and the probe alike.
   */
  password?: DatabasePasswordSource;
}

/** sslmode values of a URL and what node-postgres makes of them (it verifies the certificate for all three). */
const sslModes: Record<string, pg.PoolConfig['ssl']> = { disable: false, require: {}, 'verify-ca': {}, 'verify-full': {} };

/**
 * The server, user and database of a postgres:// URL as pool settings, for a pool whose password comes from a
 * password source. node-postgres would read them from `connectionString` itself, but its parser then sets the URL's
 * (empty) password over the `password` function, and every connection would sign in with no password at all.
 */
export function connectionSettingsOf(url: string): pg.PoolConfig {
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`"${parsed.protocol}" is not a PostgreSQL URL scheme (postgres://)`);
  if (parsed.password) throw new Error('a PostgreSQL URL whose password comes from Entra ID must not carry one');
  if (!parsed.username) throw new Error('a PostgreSQL URL signed in with Entra ID names its user: the role of the identity (postgres://<role>@<host>/<database>)');
  const unknownParameters = [...parsed.searchParams.keys()].filter((key) => key !== 'sslmode');
  if (unknownParameters.length > 0) throw new Error(`PostgreSQL URL parameters not supported with a password source: ${unknownParameters.join(', ')} (only sslmode)`);
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode !== null && !(sslmode in sslModes)) throw new Error(`sslmode=${sslmode} is not supported with a password source (disable, require, verify-ca or verify-full)`);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
    ...(sslmode === null ? {} : { ssl: sslModes[sslmode] }),
  };
}

/** Pool settings of where to connect and as whom: the URL as it is, or split from it beside a password source. */
function connectionTarget(url: string, password: DatabasePasswordSource | undefined): pg.PoolConfig {
  return password ? { ...connectionSettingsOf(url), password } : { connectionString: url };
}

/** A schema name written into SQL and into the connection's options: lower-case letters, digits and `_` only. */
const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** The client-side limit of a query is this much above the server's, so that the server's own cancel comes first. */
const clientTimeoutMarginMs = 500;

/**
 * One pool behind its circuit breaker. Only connection failures count; a call refused by the open (or half-open)
 * breaker, like a connection failure, becomes the 503 `databaseUnavailable` error. Other errors pass unchanged.
 */
class GuardedPool {
  readonly pool: pg.Pool;
  private readonly breaker: CircuitBreakerPolicy;

  constructor(
    readonly role: 'primary' | 'replica',
    config: pg.PoolConfig,
    settings: DatabaseBreakerSettings,
    logger: Logger,
  ) {
    this.pool = new pg.Pool(config);
    // An idle client that loses its server must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.breaker = circuitBreaker(
      // A full pool (every connection busy past the acquire timeout) is load, not an outage: 503 for that call only.
      handleWhen((error) => isConnectionFailure(error) && !isPoolExhausted(error)),
      { halfOpenAfter: settings.halfOpenAfterMs ?? 2000, breaker: new ConsecutiveBreaker(settings.consecutiveFailures ?? 3) },
    );
    this.breaker.onBreak((reason) =>
      logger.warn({ err: 'error' in reason ? reason.error : undefined, pool: role }, `database ${role} unavailable; calls fail fast until it answers again`),
    );
    this.breaker.onReset(() => logger.info({ pool: role }, `database ${role} answers again`));
  }

  /** Runs `call` unless the breaker is open; while a trial call is out, other calls fail at once rather than queue behind it. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.breaker.state === CircuitState.HalfOpen) throw databaseUnavailable(new BrokenCircuitError('a trial call is out'));
    try {
      return await this.breaker.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError || isConnectionFailure(error)) throw databaseUnavailable(error);
      throw error;
    }
  }

  async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.run(async () => toResult<R>(await this.pool.query(sql, params as unknown[])));
  }
}

function toResult<R>(result: pg.QueryResult): QueryResult<R> {
  return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
}

/**
 * The Database port on real PostgreSQL through `pg` pools, each behind a circuit breaker.
 *
 * A dead or stalled server costs a bounded wait, then fast failures: acquiring a connection waits at most
 * `acquireTimeoutMs`, the server cancels a statement after `statementTimeoutMs`, and a server that stops answering
 * altogether (no reset, no cancel) is given up on shortly after that, on the client. After three such failures in a
 * row (by default) the breaker opens: calls fail at once with 503 until, two seconds later, one trial call finds out
 * whether the server is back. Reads of the replica fall back to the primary while the replica cannot be reached.
 */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly schema?: string;
  private readonly primary: GuardedPool;
  private readonly replica?: GuardedPool;
  /** A pool of one for the readiness probe, apart so that a busy primary pool does not make it fail. */
  private readonly probe: pg.Pool;
  private readonly replicaProbe: pg.Pool | undefined;
  private readonly pingTimeoutMs: number;
  private readonly maxReplicaLagSeconds: number;
  private replicaLagSeconds: number | undefined;
  private replicaLagging = false;
  private lagTimer: NodeJS.Timeout | undefined;
  private measuringLag = false;
  private readonly reads: Record<ReadServedBy, number> = { replica: 0, 'primary:no_replica': 0, 'primary:replica_unavailable': 0, 'primary:replica_lagging': 0 };
  private readonly logger: Logger;

  constructor(options: PgDatabaseOptions) {
    if (options.schema !== undefined && !schemaNamePattern.test(options.schema)) throw new Error(`"${options.schema}" is not a schema name this platform uses (lower-case letters, digits, _)`);
    this.schema = options.schema;
    // Quoted: an app id may be a reserved word (`order`).
    const searchPath = options.schema ? { options: `-c search_path="${options.schema}"` } : {};
    const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
    const logger = options.logger ?? silentLogger;
    this.logger = logger;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 750;
    this.maxReplicaLagSeconds = options.maxReplicaLagSeconds ?? 10;
    const common: pg.PoolConfig = {
      max: options.maxConnections ?? 10,
      application_name: options.applicationName,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + clientTimeoutMarginMs,
      // A client that vanished mid-transaction (a partition, a killed pod) must not hold its locks until the server's
      // TCP keepalive notices. Generous, because the outbox relay keeps its transaction open while the bus retries.
      idle_in_transaction_session_timeout: 120_000,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 5000,
      // Finds connections whose peer vanished without a reset before a query waits on them.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      idleTimeoutMillis: 30_000,
      types: typeParsers,
      ...searchPath,
    };
    const breaker = options.breaker ?? {};
    this.primary = new GuardedPool('primary', { ...connectionTarget(options.url, options.password), ...common }, breaker, logger);
    if (options.readUrl) this.replica = new GuardedPool('replica', { ...connectionTarget(options.readUrl, options.password), ...common }, breaker, logger);
    this.probe = new pg.Pool({
      ...connectionTarget(options.url, options.password),
      max: 1,
      application_name: options.applicationName,
      connectionTimeoutMillis: this.pingTimeoutMs,
      query_timeout: this.pingTimeoutMs,
      keepAlive: true,
      idleTimeoutMillis: 30_000,
      ...searchPath,
    });
    this.probe.on('error', () => undefined);
    if (options.readUrl) {
      this.replicaProbe = new pg.Pool({ ...connectionTarget(options.readUrl, options.password), max: 1, application_name: options.applicationName, connectionTimeoutMillis: this.pingTimeoutMs, query_timeout: this.pingTimeoutMs, keepAlive: true, idleTimeoutMillis: 30_000 });
      this.replicaProbe.on('error', () => undefined);
    }
    if (this.replica) {
      // Measured apart from the reads, so that a read never waits for it; a timer that keeps no process alive.
      this.lagTimer = setInterval(() => void this.measureReplicaLag(), options.replicaLagCheckIntervalMs ?? 1000);
      this.lagTimer.unref();
      void this.measureReplicaLag();
    }
  }

  /**
   * How far the replica's replay is behind: 0 when it has replayed all the WAL it received (an idle primary sends
   * nothing, and the last replayed commit may be old without the replica being behind), else the age of the last
   * transaction it replayed. A replica that cannot be asked keeps its last figure; the breaker handles its outage.
   */
  private async measureReplicaLag(): Promise<void> {
    // One at a time: against an unreachable replica a measurement waits out the connect timeout, and overlapping ones
    // would take the pool's connections from the reads.
    if (!this.replica || this.measuringLag) return;
    this.measuringLag = true;
    try {
      const { rows } = await this.replica.pool.query<{ lag: number | string | null }>(
        `SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                     ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END AS lag`,
      );
      const lag = Math.max(0, Number(rows[0]?.lag ?? 0));
      this.replicaLagSeconds = lag;
      const lagging = lag > this.maxReplicaLagSeconds;
      if (lagging !== this.replicaLagging) {
        this.replicaLagging = lagging;
        if (lagging) this.logger.warn({ lagSeconds: lag, maxLagSeconds: this.maxReplicaLagSeconds }, 'database replica lags behind its bound: reads go to the primary until it catches up');
        else this.logger.info({ lagSeconds: lag }, 'database replica caught up: reads go to it again');
      }
    } catch {
      // Unreachable: reads find that out through the breaker and fall back; the lag stays as last measured.
    } finally {
      this.measuringLag = false;
    }
  }

  readPathStatus(): ReadPathStatus {
    return { replicaConfigured: this.replica !== undefined, replicaLagSeconds: this.replicaLagSeconds, replicaInReadPath: this.replica !== undefined && !this.replicaLagging, reads: { ...this.reads } };
  }

  query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.primary.query<R>(sql, params);
  }

  async readQuery<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    if (!this.replica) return this.readOnPrimary<R>('primary:no_replica', sql, params);
    // A replica further behind than the bound would show shoppers what changed long ago: the primary answers instead.
    if (this.replicaLagging) return this.readOnPrimary<R>('primary:replica_lagging', sql, params);
    try {
      const result = await this.replica.query<R>(sql, params);
      this.reads.replica += 1;
      return result;
    } catch (error) {
      // The primary answers what the replica would have, only fresher.
      if (error instanceof AppError && error.type === 'unavailable') return this.readOnPrimary<R>('primary:replica_unavailable', sql, params);
      throw error;
    }
  }

  private async readOnPrimary<R>(servedBy: Exclude<ReadServedBy, 'replica'>, sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    const result = await this.primary.query<R>(sql, params);
    this.reads[servedBy] += 1;
    return result;
  }

  /**
   * Runs `work` in one transaction. A connection that breaks in it is discarded, not returned to the pool, and the
   * transaction fails with 503 whatever `work` made of the failure; the server rolls back what it had not committed.
   * The one unknown outcome is a COMMIT whose answer was lost: it may have committed.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T> {
    return this.primary.run(async () => {
      const client = await this.primary.pool.connect();
      let connectionFailure: unknown;
      // A checked-out client reports a broken connection as an 'error' event too, which unheard would crash the process.
      const onClientError = (error: Error) => void (connectionFailure ??= error);
      client.on('error', onClientError);
      const tx: SqlExecutor = {
        query: async <R>(sql: string, params?: unknown[]) => {
          try {
            return toResult<R>(await client.query(sql, params as unknown[]));
          } catch (error) {
            if (isConnectionFailure(error)) connectionFailure ??= error;
            throw error;
          }
        },
      };
      let broken = false;
      try {
        await tx.query(`BEGIN ISOLATION LEVEL ${(options?.isolation ?? 'read committed').toUpperCase()}`);
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        // A ROLLBACK on a broken connection would only wait for its own timeout: discarding the connection rolls back.
        if (connectionFailure === undefined) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            broken = true;
            if (isConnectionFailure(rollbackError)) connectionFailure = rollbackError;
          }
        }
        throw connectionFailure ?? error;
      } finally {
        client.off('error', onClientError);
        client.release(broken || connectionFailure !== undefined);
      }
    });
  }

  async exec(script: string): Promise<void> {
    await this.primary.query(script);
  }

  /** Asks the primary server itself (not the breaker) for `SELECT 1`, waiting at most `pingTimeoutMs`. */
  async ping(): Promise<void> {
    try {
      await this.probe.query('SELECT 1');
    } catch (error) {
      throw new Error(`PostgreSQL primary did not answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Asks the read replica itself (not its breaker) for `SELECT 1`, waiting at most `pingTimeoutMs`; throws without a replica. */
  async pingReplica(): Promise<void> {
    if (!this.replicaProbe) throw new Error('no read replica is configured');
    try {
      await this.replicaProbe.query('SELECT 1');
    } catch (error) {
      throw new Error(`PostgreSQL read replica did not answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.lagTimer);
    await Promise.all([this.primary.pool.end(), this.replica?.pool.end(), this.probe.end(), this.replicaProbe?.end()]);
  }
}
