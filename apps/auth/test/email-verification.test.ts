import { mkdtemp, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { EventTypes, authUserReplySchema, userEmailVerificationRequestedDataSchema } from '@shop/contracts';
import { migrateOutbox } from '@shop/outbox';
import { PgliteDatabase, migrate, openThrowawayPgDatabase, type Database } from '@shop/postgres';
import { backendUrl, describeEachDatabase } from '@shop/testing';
import type { AuthApp } from '../src/composition';
import { authMigrationsDirectory } from '../src/data/auth-store';
import { hashOneTimeToken } from '../src/domain/one-time-token';
import { authDatabases, buildTestApp, eventCount, latestLinkToken, newAccount, registerAndSignIn, startSession, testClock } from './auth-test-kit';

describeEachDatabase<Database>('auth e-mail verification over HTTP', authDatabases, (getDb) => {
  const clock = testClock(Date.parse('2032-02-01T08:00:00Z'));
  let auth: AuthApp;
  beforeAll(() => {
    auth = buildTestApp(getDb(), { now: clock.read });
  });
  const api = () => request(auth.app);
  const confirm = (token: string) => api().post('/api/auth/email-verification/confirm').send({ token });
  const resend = (accessToken: string) => api().post('/api/auth/email-verification').set('Authorization', `Bearer ${accessToken}`);
  const verificationEvents = (userId: string) => eventCount(getDb(), userId, EventTypes.userEmailVerificationRequested);

  /** A new account and its first access token, the clock moved past any earlier link limit. */
  async function registered(label: string) {
    clock.advanceSeconds(120);
    const account = newAccount(label);
    const grant = await registerAndSignIn(auth.app, account);
    return { ...account, id: grant.user.id, accessToken: grant.accessToken };
  }

  it('when a new account registers, then it is unverified and one verification link valid for 24 hours is written for it', async () => {
    const account = await registered('fresh');
    const me = await api().get('/api/auth/me').set('Authorization', `Bearer ${account.accessToken}`).expect(200);
    expect(me.body.user.emailVerified).toBe(false);
    expect(await verificationEvents(account.id)).toBe(1);
    const { rows } = await getDb().query<{ data: unknown }>('SELECT data FROM outbox_events WHERE subject = $1 AND type = $2', [account.id, EventTypes.userEmailVerificationRequested]);
    const data = userEmailVerificationRequestedDataSchema.parse(rows[0].data);
    expect(data).toMatchObject({ userId: account.id, email: account.email, name: account.name });
    expect(Date.parse(data.expiresAt) - Date.parse(data.requestedAt)).toBe(24 * 3600 * 1000);
    const stored = await getDb().query('SELECT 1 FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2', [hashOneTimeToken(data.token), 'email_verification']);
    expect(stored.rows).toHaveLength(1);
  });

  it('when the link is confirmed, then the account is verified everywhere it is shown, and the link cannot be used again', async () => {
    const account = await registered('verifying');
    const token = (await latestLinkToken(getDb(), account.id, EventTypes.userEmailVerificationRequested))!;
    const res = await confirm(token).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(authUserReplySchema.parse(res.body)).toEqual(res.body);
    expect(res.body.user).toMatchObject({ id: account.id, email: account.email, emailVerified: true });

    const me = await api().get('/api/auth/me').set('Authorization', `Bearer ${account.accessToken}`).expect(200);
    expect(me.body.user.emailVerified).toBe(true);
    const login = await startSession(auth.app, account);
    expect(login.grant.user.emailVerified).toBe(true);

    const again = await confirm(token).expect(400);
    expect(again.body).toMatchObject({ type: 'urn:shop:problem:invalid', errors: [{ field: 'body.token', message: expect.any(String) }] });
  });

  it('when the link is older than 24 hours, then it is refused and the account stays unverified', async () => {
    const account = await registered('late');
    const token = (await latestLinkToken(getDb(), account.id, EventTypes.userEmailVerificationRequested))!;
    clock.advanceSeconds(24 * 3600);
    await confirm(token).expect(400);
    const me = await api().get('/api/auth/me').set('Authorization', `Bearer ${account.accessToken}`).expect(200);
    expect(me.body.user.emailVerified).toBe(false);
  });

  it('when the owner asks for the link again, then within a minute of the last one nothing is sent, after it a new link is, and once verified it is 409', async () => {
    const account = await registered('resend');
    // Registration has just sent one.
    const tooSoon = await resend(account.accessToken).expect(202);
    expect(tooSoon.body).toEqual({ status: 'accepted' });
    expect(await verificationEvents(account.id)).toBe(1);
    clock.advanceSeconds(60);
    await resend(account.accessToken).expect(202);
    expect(await verificationEvents(account.id)).toBe(2);
    await Promise.all(Array.from({ length: 5 }, () => resend(account.accessToken).expect(202)));
    expect(await verificationEvents(account.id)).toBe(2);

    // The newest link works, and it spends the older one.
    const first = (await getDb().query<{ data: { token: string } }>('SELECT data FROM outbox_events WHERE subject = $1 AND type = $2 ORDER BY seq LIMIT 1', [account.id, EventTypes.userEmailVerificationRequested])).rows[0].data.token;
    await confirm((await latestLinkToken(getDb(), account.id, EventTypes.userEmailVerificationRequested))!).expect(200);
    await confirm(first).expect(400);

    clock.advanceSeconds(120);
    const verified = await resend(account.accessToken).expect(409);
    expect(verified.body).toMatchObject({ type: 'urn:shop:problem:conflict', detail: 'The e-mail address is already verified' });
    await api().post('/api/auth/email-verification').expect(401);
  });

  it('when an admin grants the admin role to an unverified address, then 409 and nothing changes; once verified, the grant goes through', async () => {
    const admin = newAccount('granting-admin');
    const { user: adminUser } = await auth.service.ensureAdmin({ email: admin.email, password: admin.password });
    // The bootstrap admin is verified by configuration.
    expect(adminUser.emailVerified).toBe(true);
    const adminToken = (await startSession(auth.app, admin)).grant.accessToken;
    const account = await registered('candidate');
    const grant = () => api().put(`/api/auth/users/${account.id}/roles`).set('Authorization', `Bearer ${adminToken}`).send({ roles: ['customer', 'admin'] });

    const refused = await grant().expect(409);
    expect(refused.body).toMatchObject({ type: 'urn:shop:problem:conflict', detail: 'An admin role needs a verified e-mail address' });
    const { rows } = await getDb().query<{ roles: string[] }>('SELECT roles FROM users WHERE id = $1', [account.id]);
    expect(rows[0].roles).toEqual(['customer']);
    // Other role changes of an unverified account are not held up.
    await api().put(`/api/auth/users/${account.id}/roles`).set('Authorization', `Bearer ${adminToken}`).send({ roles: ['customer'] }).expect(200);

    await confirm((await latestLinkToken(getDb(), account.id, EventTypes.userEmailVerificationRequested))!).expect(200);
    const granted = await grant().expect(200);
    expect(granted.body.user).toMatchObject({ roles: ['customer', 'admin'], emailVerified: true });
    // The admin list shows the flag too.
    const page = await api().get('/api/auth/users').query({ email: account.email }).set('Authorization', `Bearer ${adminToken}`).expect(200);
    expect(page.body.items).toEqual([expect.objectContaining({ id: account.id, emailVerified: true })]);
  });

  it('when the body is wrong, then 400', async () => {
    await api().post('/api/auth/email-verification/confirm').send({}).expect(400);
    await api().post('/api/auth/email-verification/confirm').send({ token: 'x', extra: 1 }).expect(400);
    await confirm('A'.repeat(43)).expect(400);
  });
});

/** A database with only the first two auth migrations applied: accounts as they were before e-mail verification. */
async function databaseBeforeVerification(): Promise<{ db: Database; close: () => Promise<void> }> {
  const serverUrl = backendUrl('postgres');
  const handle = serverUrl ? await openThrowawayPgDatabase(serverUrl, 'auth') : await PgliteDatabase.open().then((db) => ({ db, close: () => db.close() }));
  const earlier = await mkdtemp(path.join(tmpdir(), 'auth-migrations-'));
  try {
    for (const name of ['001_users_and_refresh_tokens.sql', '002_login_throttle_counters.sql']) await copyFile(path.join(authMigrationsDirectory, name), path.join(earlier, name));
    await migrate(handle.db, earlier);
    await migrateOutbox(handle.db);
  } finally {
    await rm(earlier, { recursive: true, force: true });
  }
  return handle;
}

describe('auth migration 003 over existing accounts', () => {
  it('when it runs, then existing admins (bootstrap or granted) count as verified and customers do not', async () => {
    const { db, close } = await databaseBeforeVerification();
    try {
      await db.query(
        `INSERT INTO users (id, email, name, password_hash, roles) VALUES
           ('00000000-0000-4000-8000-000000000001', 'root@example.com', 'Root', 'x', ARRAY['customer','admin']),
           ('00000000-0000-4000-8000-000000000002', 'shopper@example.com', 'Shopper', 'x', ARRAY['customer'])`,
      );
      await migrate(db, authMigrationsDirectory);
      const { rows } = await db.query<{ email: string; email_verified: boolean }>('SELECT email, email_verified FROM users ORDER BY email');
      expect(rows).toEqual([
        { email: 'root@example.com', email_verified: true },
        { email: 'shopper@example.com', email_verified: false },
      ]);
    } finally {
      await close();
    }
  });
});
