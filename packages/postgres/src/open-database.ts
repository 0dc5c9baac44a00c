import { mkdir } from 'node:fs/promises';
import type { Database } from './database';
import { PgDatabase } from './pg-database';
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
}

/** Opens the database a service is configured for. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.url) {
    return new PgDatabase({ url: location.url, readUrl: location.readUrl, applicationName: location.applicationName, maxConnections: location.maxConnections });
  }
  if (location.embeddedDataDir) await mkdir(location.embeddedDataDir, { recursive: true });
  return PgliteDatabase.open(location.embeddedDataDir);
}
