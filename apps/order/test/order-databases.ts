import { PgliteDatabase, openThrowawayPgDatabase, type Database } from '@shop/postgres';
import type { TestDatabase } from '@shop/testing';
import { migrateOrderDatabase } from '../src';

/** The order database on PGlite and on a throwaway PostgreSQL database named after `prefix`, migrated, for describeEachDatabase. */
export function orderDatabases(prefix: string): { pglite: () => Promise<TestDatabase<Database>>; postgres: (serverUrl: string) => Promise<TestDatabase<Database>> } {
  return {
    pglite: async () => {
      const db = await PgliteDatabase.open();
      await migrateOrderDatabase(db);
      return { db, close: () => db.close() };
    },
    postgres: async (serverUrl) => {
      const handle = await openThrowawayPgDatabase(serverUrl, prefix);
      await migrateOrderDatabase(handle.db);
      return handle;
    },
  };
}
