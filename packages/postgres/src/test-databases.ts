import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgDatabase } from './pg-database';

/** A database created for one test suite on a shared server, dropped again by `drop`. */
export interface ThrowawayDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty database on the server that `serverUrl` points at (for tests that must not see each
 * other's rows). The returned URL names the new database.
 */
export async function createThrowawayDatabase(serverUrl: string, prefix = 'test'): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Opens a PgDatabase on a throwaway database; `close` also drops it. */
export async function openThrowawayPgDatabase(serverUrl: string, prefix?: string): Promise<{ db: PgDatabase; close(): Promise<void> }> {
  const throwaway = await createThrowawayDatabase(serverUrl, prefix);
  // The former, roomier timeouts: a loaded test machine must not turn a slow wait into a 503 in a suite about something
  // else. The outage suites build their PgDatabase with small timeouts of their own.
  const db = new PgDatabase({ url: throwaway.url, maxConnections: 20, acquireTimeoutMs: 5000, statementTimeoutMs: 15_000 });
  return {
    db,
    close: async () => {
      await db.close();
      await throwaway.drop();
    },
  };
}
