import request from 'supertest';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { hashRefreshToken } from '../src/domain/refresh-token';
import type { AuthApp } from '../src/composition';
import { authDatabases, buildTestApp, newAccount } from './auth-test-kit';

describeEachDatabase<Database>('auth sessions (refresh tokens) over HTTP', authDatabases, (getDb) => {
  let auth: AuthApp;
  beforeAll(() => {
    auth = buildTestApp(getDb());
  });
  const api = () => request(auth.app);

  /** Registers a fresh account and logs it in; returns the first grant. */
  async function signIn(): Promise<{ accessToken: string; refreshToken: string; user: { id: string } }> {
    const account = newAccount('session');
    await api().post('/api/auth/register').send(account).expect(202);
    const res = await api().post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200);
    return res.body;
  }
  const refresh = (refreshToken: string) => api().post('/api/auth/refresh').send({ refreshToken });

  it('when a refresh token is exchanged, then a new access and refresh token come back and the old one is marked used', async () => {
    const first = await signIn();
    const res = await refresh(first.refreshToken).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: first.user.id } });
    expect(res.body.refreshToken).not.toBe(first.refreshToken);
    expect(res.body.accessToken).not.toBe(first.accessToken);
    await api().get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);

    const { rows } = await getDb().query<{ used_at: Date | null; family_id: string }>('SELECT used_at, family_id FROM refresh_tokens WHERE token_hash = $1', [
      hashRefreshToken(first.refreshToken),
    ]);
    expect(rows[0].used_at).not.toBeNull();
    const { rows: child } = await getDb().query<{ family_id: string; parent_id: string }>('SELECT family_id, parent_id FROM refresh_tokens WHERE token_hash = $1', [
      hashRefreshToken(res.body.refreshToken),
    ]);
    expect(child[0].family_id).toBe(rows[0].family_id);
  });

  it('when refresh tokens are stored, then only their SHA-256 is kept', async () => {
    const { refreshToken } = await signIn();
    const { rows } = await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM refresh_tokens WHERE token_hash = $1', [refreshToken]);
    expect(rows[0].n).toBe(0);
    const { rows: hashed } = await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)]);
    expect(hashed[0].n).toBe(1);
  });

  it('when a used refresh token is presented again, then 401 and the whole family is revoked, the newest token included', async () => {
    const first = await signIn();
    const second = (await refresh(first.refreshToken).expect(200)).body;
    const third = (await refresh(second.refreshToken).expect(200)).body;

    const replay = await refresh(first.refreshToken).expect(401);
    expect(replay.headers['content-type']).toMatch(/application\/problem\+json/);
    await refresh(third.refreshToken).expect(401);

    const { rows } = await getDb().query<{ revoked: number; total: number }>(
      `SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL)::int8 AS revoked, count(*)::int8 AS total
       FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [hashRefreshToken(first.refreshToken)],
    );
    expect(rows[0]).toEqual({ revoked: 3, total: 3 });
  });

  it('when one family is revoked, then the same user\'s other sessions keep working', async () => {
    const account = newAccount('two-sessions');
    await api().post('/api/auth/register').send(account).expect(202);
    const laptop = (await api().post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200)).body;
    const phone = (await api().post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200)).body;
    await refresh(laptop.refreshToken).expect(200);
    await refresh(laptop.refreshToken).expect(401);
    await refresh(phone.refreshToken).expect(200);
  });

  it('when 10 refreshes of one token run in parallel, then exactly one succeeds', async () => {
    const { refreshToken } = await signIn();
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(refreshToken)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
    const { rows } = await getDb().query<{ n: number }>(
      'SELECT count(*)::int8 AS n FROM refresh_tokens WHERE parent_id = (SELECT id FROM refresh_tokens WHERE token_hash = $1)',
      [hashRefreshToken(refreshToken)],
    );
    expect(rows[0].n).toBe(1);
  });

  it('when a refresh token has expired, then 401 and its family is not revoked for it', async () => {
    const { refreshToken } = await signIn();
    await getDb().query("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [hashRefreshToken(refreshToken)]);
    await refresh(refreshToken).expect(401);
    const { rows } = await getDb().query<{ revoked_at: Date | null }>('SELECT revoked_at FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)]);
    expect(rows[0].revoked_at).toBeNull();
  });

  it('when an unknown refresh token is presented, then 401', async () => {
    await refresh('A'.repeat(43)).expect(401);
  });

  it('when a user logs out, then 204 and the refresh token (and its successors) no longer work; logging out again is still 204', async () => {
    const first = await signIn();
    const second = (await refresh(first.refreshToken).expect(200)).body;
    await api().post('/api/auth/logout').send({ refreshToken: second.refreshToken }).expect(204);
    await refresh(second.refreshToken).expect(401);
    await api().post('/api/auth/logout').send({ refreshToken: second.refreshToken }).expect(204);
    await api().post('/api/auth/logout').send({ refreshToken: 'never-issued-token' }).expect(204);
  });

  it('when roles change, then the next refresh carries them in the new access token', async () => {
    const session = await signIn();
    await getDb().query("UPDATE users SET roles = ARRAY['customer','admin']::text[] WHERE id = $1", [session.user.id]);
    const refreshed = (await refresh(session.refreshToken).expect(200)).body;
    const principal = await auth.verifier.verify(refreshed.accessToken);
    expect(principal.roles).toEqual(['customer', 'admin']);
  });

  it('when an admin is demoted through the admin API, then the next refresh carries no admin role and the admin route answers 403 with it', async () => {
    const acting = await signIn();
    const demoted = await signIn();
    await getDb().query("UPDATE users SET roles = ARRAY['customer','admin']::text[] WHERE id = ANY($1::uuid[])", [[acting.user.id, demoted.user.id]]);
    const actingAdmin = (await refresh(acting.refreshToken).expect(200)).body;
    const demotedAdmin = (await refresh(demoted.refreshToken).expect(200)).body;
    const listUsers = (accessToken: string) => api().get('/api/auth/users').set('Authorization', `Bearer ${accessToken}`);
    await listUsers(demotedAdmin.accessToken).expect(200);

    await api().put(`/api/auth/users/${demoted.user.id}/roles`).set('Authorization', `Bearer ${actingAdmin.accessToken}`).send({ roles: ['customer'] }).expect(200);

    const afterDemotion = (await refresh(demotedAdmin.refreshToken).expect(200)).body;
    expect((await auth.verifier.verify(afterDemotion.accessToken)).roles).toEqual(['customer']);
    expect(afterDemotion.user.roles).toEqual(['customer']);
    const res = await listUsers(afterDemotion.accessToken).expect(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when the account of a session is deleted, then its refresh token is refused', async () => {
    const session = await signIn();
    await getDb().query('DELETE FROM users WHERE id = $1', [session.user.id]);
    await refresh(session.refreshToken).expect(401);
  });
});
