import request from 'supertest';
import { generateSigningKey, type SigningKey } from '@shop/auth-tokens';
import { AuthSessionCookie, tokenResponseSchema, type TokenResponse } from '@shop/contracts';
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
export async function rowCounts(db: Database): Promise<{ users: number; outbox: number; refreshTokens: number; oneTimeTokens: number }> {
  const { rows } = await db.query<{ users: number; outbox: number; refresh_tokens: number; one_time_tokens: number }>(
    `SELECT (SELECT count(*) FROM users)::int8 AS users,
            (SELECT count(*) FROM outbox_events)::int8 AS outbox,
            (SELECT count(*) FROM refresh_tokens)::int8 AS refresh_tokens,
            (SELECT count(*) FROM one_time_tokens)::int8 AS one_time_tokens`,
  );
  const row = rows[0];
  return { users: row.users, outbox: row.outbox, refreshTokens: row.refresh_tokens, oneTimeTokens: row.one_time_tokens };
}

/** The shop origin the test configuration allows by default (PUBLIC_BASE_URL's default, the gateway's local URL). */
export const shopOrigin = 'http://localhost:8080';

/** The `Set-Cookie` line of the session cookie in a response, if it sets one. */
export function sessionSetCookie(res: request.Response): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | string | undefined;
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.find((line) => line.startsWith(`${AuthSessionCookie.name}=`));
}

/** The refresh token a response set as the session cookie (fails the test when it set none or cleared it). */
export function sessionCookieValue(res: request.Response): string {
  const line = sessionSetCookie(res);
  const value = line?.slice(AuthSessionCookie.name.length + 1).split(';')[0];
  if (!value) throw new Error(`the response set no session cookie (Set-Cookie: ${JSON.stringify(res.headers['set-cookie'])})`);
  return value;
}

/** `Cookie` header value that carries `refreshToken` as the session cookie. */
export const sessionCookieHeader = (refreshToken: string) => `${AuthSessionCookie.name}=${refreshToken}`;

/**
 * The one-time token of the latest `type` event (password reset, e-mail verification) written for `userId`, as the
 * notifier would read it from the event (auth itself keeps only its hash).
 */
export async function latestLinkToken(db: Database, userId: string, type: string): Promise<string | undefined> {
  const { rows } = await db.query<{ data: { token: string } }>('SELECT data FROM outbox_events WHERE subject = $1 AND type = $2 ORDER BY seq DESC LIMIT 1', [userId, type]);
  return rows[0]?.data.token;
}

/** How many `type` events were written for `userId`. */
export async function eventCount(db: Database, userId: string, type: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM outbox_events WHERE subject = $1 AND type = $2', [userId, type]);
  return Number(rows[0].n);
}

/** A clock the tests move instead of sleeping (epoch ms), for `buildTestApp({ now })`. */
export function testClock(start = Date.now()): { now: number; advanceSeconds(seconds: number): void; read: () => number } {
  const clock = {
    now: start,
    advanceSeconds(seconds: number) {
      clock.now += seconds * 1000;
    },
    read: () => clock.now,
  };
  return clock;
}

/**
 * Registers `account` (202: the answer names no account) and signs it in, for tests that need the new account's id;
 * `target` is an Express app or a base URL.
 */
export async function registerAndSignIn(
  target: Parameters<typeof request>[0],
  account: { email: string; password: string; name: string },
): Promise<TokenResponse> {
  return (await registerAndStartSession(target, account)).grant;
}

/** Registers `account` and signs in: the reply body and the refresh token of the session cookie. */
export async function registerAndStartSession(
  target: Parameters<typeof request>[0],
  account: { email: string; password: string; name: string },
): Promise<{ grant: TokenResponse; refreshToken: string }> {
  await request(target).post('/api/auth/register').send(account).expect(202);
  return startSession(target, account);
}

/** Signs `account` in: the reply body and the refresh token of the session cookie. */
export async function startSession(target: Parameters<typeof request>[0], account: { email: string; password: string }): Promise<{ grant: TokenResponse; refreshToken: string }> {
  const res = await request(target).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200);
  return { grant: tokenResponseSchema.parse(res.body), refreshToken: sessionCookieValue(res) };
}
