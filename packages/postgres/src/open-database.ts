import { mkdir } from 'node:fs/promises';
import type { Logger } from '@shop/kernel';
import type { Database } from './database';
import { entraPasswordSource, type DatabasePasswordSource } from './entra-access-token';
import { PgDatabase, type DatabaseBreakerSettings } from './pg-database';
import { PgliteDatabase } from './pglite-database';

/** Where a service's database is: a PostgreSQL URL, or an embedded PGlite folder (or memory). */
export interface DatabaseLocation {
  /** PostgreSQL primary. When absent, PGlite is used. */
  url?: string;
  /** PostgreSQL read replica (only with `url`). */
  readUrl?: string;
  /** PGlite data folder; absent means in memory. */
  embeddedDataDir?: string;
  applicationName?: string;
  maxConnections?: number;
  /** PostgreSQL only: longest wait for a pooled connection (default 5000 ms). */
  acquireTimeoutMs?: number;
  /** PostgreSQL only: the server's statement_timeout (default 5000 ms). */
  statementTimeoutMs?: number;
  /** PostgreSQL with a read replica only: the most it may lag and stay in the read path, in seconds (default 10). */
  maxReplicaLagSeconds?: number;
  /** PostgreSQL only: when the circuit breaker opens and half-opens. */
  breaker?: DatabaseBreakerSettings;
  /** PostgreSQL only: where the breaker's opening and closing are reported. */
  logger?: Logger;
  /** PostgreSQL only: the service's own schema (see PgDatabaseOptions.schema). */
  schema?: string;
  /**
   * PostgreSQL only: how connections sign in. `password` (default): as the URL says. `entra`: with an Entra access
   * token of the workload identity as the password (Azure, where password authentication is off); the URL names the
   * identity's role and carries no password.
   */
  auth?: DatabaseAuthentication;
  /** PostgreSQL with `entra` only: the token source, instead of the workload identity's (tests). */
  entraPassword?: DatabasePasswordSource;
}

/** How a service signs in to PostgreSQL (DATABASE_AUTH). */
export type DatabaseAuthentication = 'password' | 'entra';

/** Opens the database a service is configured for. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.url) {
    return new PgDatabase({
      url: location.url,
      readUrl: location.readUrl,
      applicationName: location.applicationName,
      maxConnections: location.maxConnections,
      acquireTimeoutMs: location.acquireTimeoutMs,
      statementTimeoutMs: location.statementTimeoutMs,
      maxReplicaLagSeconds: location.maxReplicaLagSeconds,
      breaker: location.breaker,
      logger: location.logger,
      schema: location.schema,
      password: location.auth === 'entra' ? (location.entraPassword ?? entraPasswordSource()) : undefined,
    });
  }
  if (location.embeddedDataDir) await mkdir(location.embeddedDataDir, { recursive: true });
  return PgliteDatabase.open(location.embeddedDataDir);
}
