import path from 'node:path';
import { migrateOutbox } from '@shop/outbox';
import { migrate, type Database, type SqlExecutor } from '@shop/postgres';
import type { AuthEvents, AuthStore } from '../domain/ports';
import { SqlLinkEmailLimits } from './link-email-limits';
import { SqlOneTimeTokensRepository } from './one-time-tokens.repository';
import { SqlRefreshTokensRepository } from './refresh-tokens.repository';
import { SqlUsersRepository } from './users.repository';

/** Where the SQL migrations are, from src (tests) and from dist alike. */
export const authMigrationsDirectory = path.join(__dirname, '..', '..', 'migrations');

/** Brings the auth database up to date: the service's tables, then the outbox's. */
export async function migrateAuthDatabase(db: Database): Promise<void> {
  await migrate(db, authMigrationsDirectory);
  await migrateOutbox(db);
}

/**
 * The AuthStore port on a Database. `eventsIn` gives the event writer bound to a transaction (the outbox publisher in
 * events/), so the events of a change commit with it.
 */
export function createAuthStore(db: Database, eventsIn: (tx: SqlExecutor) => AuthEvents): AuthStore {
  return {
    users: new SqlUsersRepository(db),
    usersForReading: new SqlUsersRepository({ query: (sql, params) => db.readQuery(sql, params) }),
    refreshTokens: new SqlRefreshTokensRepository(db),
    oneTimeTokens: new SqlOneTimeTokensRepository(db),
    linkEmailLimits: new SqlLinkEmailLimits(db),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          users: new SqlUsersRepository(tx),
          refreshTokens: new SqlRefreshTokensRepository(tx),
          oneTimeTokens: new SqlOneTimeTokensRepository(tx),
          linkEmailLimits: new SqlLinkEmailLimits(tx),
          events: eventsIn(tx),
        }),
      ),
  };
}
