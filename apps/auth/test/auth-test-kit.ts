import request from 'supertest';
import { generateSigningKey, type SigningKey } from '@shop/auth-tokens';
import { tokenResponseSchema, type TokenResponse } from '@shop/contracts';
import { InMemoryStateStore } from '@shop/building-blocks';
import { createLogger, createServiceMetrics } from '@shop/platform';
import { PgliteDatabase, openThrowawayPgDatabase, type Database } from '@shop/postgres';
import { uniqueTestTag, type TestDatabase } from '@shop/testing';
import { createAuthApp, migrateAuthDatabase, type AuthApp, type AuthAppDeps } from '../src/composition';
import { loadAuthConfig, type AuthConfig } from '../src/config';
import { type Logger } from '@shop/kernel';

/** Test helpers shared by the auth component tests (not a test file itself). */

export const silentLogger: Logger = createLogger({ service: 'auth-test', level: 'silent' });

/**
 * A valid configuration with a low scrypt cost (fast tests); `overrides` are environment variables. supertest calls
 * from loopback, which is trusted as the proxy, so a test chooses the client address with X-Forwarded-For.
 */
export function testConfig(overrides: Record<string, string> = {}): AuthConfig {
  return loadAuthConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PASSWORD_HASH_COST: '1024', TRUSTED_PROXIES: 'loopback', ...overrides });
}

/** Database openers for describeEachDatabase: a migrated in-memory PGlite, or a migrated throwaway PostgreSQL database. */
export const authDatabases = {
  pglite: async (): Promise<TestDatabase<Database>> => {
    const db = await PgliteDatabase.open();
    await migrateAuthDatabase(db);
    return { db, close: () => db.close() };
  },
  postgres: async (serverUrl: string): Promise<TestDatabase<Database>> => {
    const handle = await openThrowawayPgDatabase(serverUrl, 'auth');
    await migrateAuthDatabase(handle.db);
    return handle;
  },
};

let sharedKey: SigningKey | undefined;
/** One RSA key per test file: generating them is the slow part. */
export function testSigningKey(): SigningKey {
  sharedKey ??= generateSigningKey();
  return sharedKey;
}

/** The auth app on `db` with a fresh in-memory state store. */
export function buildTestApp(db: Database, overrides: Partial<AuthAppDeps> & { env?: Record<string, string> } = {}): AuthApp & { stateStore: InMemoryStateStore } {
  const stateStore = new InMemoryStateStore();
  const { env, ...deps } = overrides;
  const app = createAuthApp({
    config: testConfig(env),
    logger: silentLogger,
    db,
    stateStore,
    signingKeys: [testSigningKey()],
    metrics: createServiceMetrics('auth', { collectProcessMetrics: false }),
    ...deps,
  });
  return { ...app, stateStore };
}

/** A unique, valid registration body. */
export function newAccount(label = 'user'): { email: string; password: string; name: string } {
  return { email: `${uniqueTestTag(label)}@example.com`, password: 'correct horse battery staple', name: 'Ada Lovelace' };
}

/** Rows in the tables a failed request must not touch. */
export async function rowCounts(db: Database): Promise<{ users: number; outbox: number; refreshTokens: number }> {
  const { rows } = await db.query<{ users: number; outbox: number; refresh_tokens: number }>(
    `SELECT (SELECT count(*) FROM users)::int8 AS users,
            (SELECT count(*) FROM outbox_events)::int8 AS outbox,
            (SELECT count(*) FROM refresh_tokens)::int8 AS refresh_tokens`,
  );
  const row = rows[0];
  return { users: row.users, outbox: row.outbox, refreshTokens: row.refresh_tokens };
}

/**
 * Registers `account` (202: the answer names no account) and signs it in, for tests that need the new account's id;
 * `target` is an Express app or a base URL.
 */
export async function registerAndSignIn(
  target: Parameters<typeof request>[0],
  account: { email: string; password: string; name: string },
): Promise<TokenResponse> {
  await request(target).post('/api/auth/register').send(account).expect(202);
  const { body } = await request(target).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200);
  return tokenResponseSchema.parse(body);
}
