import request from 'supertest';
import { AppIds, AuthUserAuthorizationPaths } from '@shop/contracts';
import { PgDatabase } from '@shop/postgres';
import { describeWithReplica, eventually, readPoolUsed, startTcpProxy, type ReadPoolUsed, type TcpProxy } from '@shop/testing';
import { migrateAuthDatabase, type AuthApp } from '../src/composition';
import { buildTestApp, newAccount, registerAndSignIn } from './auth-test-kit';

const appApiToken = 'auth-read-pools-token';

/**
 * Auth on a real primary and its real streaming replica (behind a TCP proxy the test cuts): only the admin's list of
 * accounts may be a little stale; sign-in, the shopper's own account and the current roles other services ask for
 * read the primary (a disabled account or a revoked admin role must count at once).
 */
describeWithReplica('read pools: which server each auth route reads from, on a real streaming replica', (database) => {
  let replicaProxy: TcpProxy;
  let db: PgDatabase;
  let auth: AuthApp;
  let adminToken: string;
  let shopper: { userId: string; accessToken: string; email: string; password: string };

  beforeAll(async () => {
    const replica = new URL(database().replicaUrl);
    replicaProxy = await startTcpProxy({ host: replica.hostname, port: Number(replica.port || 5432) });
    db = new PgDatabase({ url: database().primaryUrl, readUrl: replicaProxy.urlFor(database().replicaUrl), schema: AppIds.auth, acquireTimeoutMs: 500, replicaLagCheckIntervalMs: 100 });
    await migrateAuthDatabase(db);
    auth = buildTestApp(db, { env: { APP_API_TOKEN: appApiToken } });
    const adminAccount = newAccount('pools-admin');
    const registered = await registerAndSignIn(auth.app, adminAccount);
    await db.query("UPDATE users SET roles = ARRAY['customer', 'admin'] WHERE id = $1", [registered.user.id]);
    adminToken = (await request(auth.app).post('/api/auth/login').send({ email: adminAccount.email, password: adminAccount.password }).expect(200)).body.accessToken;
    const shopperAccount = newAccount('pools-shopper');
    const grant = await registerAndSignIn(auth.app, shopperAccount);
    shopper = { userId: grant.user.id, accessToken: grant.accessToken, email: shopperAccount.email, password: shopperAccount.password };
  }, 60_000);

  afterAll(async () => {
    replicaProxy?.resume();
    await db?.close();
    await replicaProxy?.close();
  });

  async function poolOf(call: () => request.Test, status = 200): Promise<ReadPoolUsed> {
    const before = db.readPathStatus().reads;
    const response = await call();
    expect({ status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ status, body: undefined });
    return readPoolUsed(before, db.readPathStatus().reads);
  }

  /** Until the replica has replayed what the primary committed so far. */
  async function replicaCaughtUp(): Promise<void> {
    const { rows } = await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    await eventually(async () => (await db.readQuery<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [rows[0].lsn])).rows[0]?.done === true, 10_000, 20);
  }

  it('when each route runs once, then only the admin list of accounts reads the replica, and with the replica refusing it is answered by the primary (replica_unavailable)', async () => {
    await replicaCaughtUp();
    const observed = {
      'POST /api/auth/register': await poolOf(() => request(auth.app).post('/api/auth/register').send(newAccount('pools-new')), 202),
      'POST /api/auth/login': await poolOf(() => request(auth.app).post('/api/auth/login').send({ email: shopper.email, password: shopper.password })),
      'GET /api/auth/me': await poolOf(() => request(auth.app).get('/api/auth/me').set('Authorization', `Bearer ${shopper.accessToken}`)),
      'GET /internal/auth/user-authorizations/:id (the current roles)': await poolOf(() => request(auth.app).get(AuthUserAuthorizationPaths.user(shopper.userId)).set('dapr-api-token', appApiToken)),
      'GET /api/auth/users (admin list)': await poolOf(() => request(auth.app).get('/api/auth/users').set('Authorization', `Bearer ${adminToken}`)),
    };
    expect(observed).toEqual({
      'POST /api/auth/register': 'primary',
      'POST /api/auth/login': 'primary',
      'GET /api/auth/me': 'primary',
      'GET /internal/auth/user-authorizations/:id (the current roles)': 'primary',
      'GET /api/auth/users (admin list)': 'replica',
    });

    replicaProxy.refuse();
    try {
      expect(await poolOf(() => request(auth.app).get('/api/auth/users').set('Authorization', `Bearer ${adminToken}`))).toBe('primary (fallback: primary:replica_unavailable)');
    } finally {
      replicaProxy.resume();
    }
  }, 60_000);
});
