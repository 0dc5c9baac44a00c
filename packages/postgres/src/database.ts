/** The result of one statement. */
export interface QueryResult<R> {
  rows: R[];
  /** Rows returned or affected. */
  rowCount: number;
}

/** Runs parameterised SQL (`$1`, `$2`...). int8 comes back as a JS number and timestamptz as a Date on every adapter. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** Transaction isolation levels the platform uses. */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** Where reads went: to the replica, or to the primary and why. */
export type ReadServedBy = 'replica' | 'primary:no_replica' | 'primary:replica_unavailable' | 'primary:replica_lagging';

/** What the read path of a database with a read replica looks like now, for metrics. */
export interface ReadPathStatus {
  /** Whether a read replica is configured at all (without one every read is the primary's, and there is no lag to tell). */
  replicaConfigured: boolean;
  /** How far the replica's replay is behind, in seconds, as last measured; undefined before the first measurement or while it cannot be measured. */
  replicaLagSeconds: number | undefined;
  /** False while the replica lags more than the configured bound: its reads go to the primary until it catches up. */
  replicaInReadPath: boolean;
  /** Reads (`readQuery`) since start, by where they were served. */
  reads: Readonly<Record<ReadServedBy, number>>;
}

/** Port: a service's own database. */
export interface Database extends SqlExecutor {
  /** Which adapter this is, for logs and for tests that only make sense on one. */
  readonly kind: 'postgres' | 'pglite';
  /**
   * The schema the service's tables live in, when it has one of its own (PostgreSQL): migrations create it first and
   * every connection finds its tables there. Undefined: the default schema (PGlite, and databases opened without one).
   */
  readonly schema?: string;
  /**
   * Runs a read-only query on a read replica when one is configured and within its lag bound (it may lag the primary
   * by that much), else on the primary.
   */
  readQuery<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Where reads go and went (a database with a read replica; undefined on one without). */
  readPathStatus?(): ReadPathStatus;
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T>;
  /** Runs a multi-statement SQL script (migrations). */
  exec(script: string): Promise<void>;
  /** Resolves when the primary server answers, quickly or not at all; for readiness checks (reads fall back from a lost replica to the primary). */
  ping(): Promise<void>;
  /** With a read replica: resolves when it answers, quickly or not at all (readiness: a service whose primary is gone still serves reads). */
  pingReplica?(): Promise<void>;
  close(): Promise<void>;
}
