import request from 'supertest';
import { AuthSessionCookie } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { hashRefreshToken } from '../src/domain/refresh-token';
import type { AuthApp } from '../src/composition';
import { authDatabases, buildTestApp, newAccount, sessionCookieHeader, sessionCookieValue, sessionSetCookie, shopOrigin, startSession } from './auth-test-kit';

describeEachDatabase<Database>('auth sessions (refresh-token cookie) over HTTP', authDatabases, (getDb) => {
  let auth: AuthApp;
  beforeAll(() => {
    auth = buildTestApp(getDb());
  });
  const api = () => request(auth.app);

  /** Registers a fresh account and logs it in; returns the first grant and the refresh token of its cookie. */
  async function signIn(): Promise<{ accessToken: string; refreshToken: string; user: { id: string; email: string } }> {
    const account = newAccount('session');
    await api().post('/api/auth/register').send(account).expect(202);
    const { grant, refreshToken } = await startSession(auth.app, account);
    return { ...grant, refreshToken };
  }
  /** A refresh as the shop's page makes it: the cookie, the shop's Origin, no body. */
  const refresh = (refreshToken: string, origin: string | null = shopOrigin) => {
    const call = api().post('/api/auth/session/refresh').set('Cookie', sessionCookieHeader(refreshToken));
    return origin === null ? call : call.set('Origin', origin);
  };
  const logout = (refreshToken: string) => api().post('/api/auth/session/logout').set('Origin', shopOrigin).set('Cookie', sessionCookieHeader(refreshToken));
  const familyOf = async (refreshToken: string) =>
    (await getDb().query<{ family_id: string }>('SELECT family_id FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)])).rows[0].family_id;
  const unrevokedTokensOf = async (userId: string) =>
    Number((await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rows[0].n);

  it('when a user logs in, then the refresh token comes only as an HttpOnly, Secure, SameSite=Strict cookie scoped to the session routes', async () => {
    const account = newAccount('cookie');
    await api().post('/api/auth/register').send(account).expect(202);
    const login = await api().post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200);
    expect(login.body).not.toHaveProperty('refreshToken');
    expect(Object.keys(login.body).sort()).toEqual(['accessToken', 'expiresIn', 'tokenType', 'user']);
    const cookie = sessionSetCookie(login)!;
    const [pair, ...attributes] = cookie.split(/;\s*/);
    expect(pair).toMatch(new RegExp(`^${AuthSessionCookie.name}=[A-Za-z0-9_-]{43}$`));
    expect(attributes).toEqual(expect.arrayContaining(['Max-Age=2592000', 'Path=/api/auth/session', 'HttpOnly', 'Secure', 'SameSite=Strict']));
    expect(attributes.find((attribute) => attribute.startsWith('Domain'))).toBeUndefined();
    // The cookie's value is the refresh token itself, stored only as its SHA-256.
    const { rows } = await getDb().query('SELECT 1 FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(sessionCookieValue(login))]);
    expect(rows).toHaveLength(1);
  });

  it('when the cookie is exchanged from the shop\'s page, then a new access token and a rotated cookie come back and the old token is marked used', async () => {
    const first = await signIn();
    const res = await refresh(first.refreshToken).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: first.user.id, emailVerified: false } });
    expect(res.body).not.toHaveProperty('refreshToken');
    const next = sessionCookieValue(res);
    expect(next).not.toBe(first.refreshToken);
    expect(sessionSetCookie(res)).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
    expect(res.body.accessToken).not.toBe(first.accessToken);
    await api().get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);

    const { rows } = await getDb().query<{ used_at: Date | null }>('SELECT used_at FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(first.refreshToken)]);
    expect(rows[0].used_at).not.toBeNull();
    expect(await familyOf(next)).toBe(await familyOf(first.refreshToken));
  });

  it('when the refresh comes without Origin or from another origin, then 403 and the token is not spent', async () => {
    const { refreshToken } = await signIn();
    for (const origin of [null, 'https://evil.example', 'http://localhost:8081', 'null', `${shopOrigin}.evil.example`]) {
      const res = await refresh(refreshToken, origin).expect(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.type).toBe('urn:shop:problem:forbidden');
    }
    const { rows } = await getDb().query<{ used_at: Date | null }>('SELECT used_at FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)]);
    expect(rows[0].used_at).toBeNull();
    // The loopback alias of the shop's origin is one of the defaults.
    await refresh(refreshToken, 'http://127.0.0.1:8080').expect(200);
  });

  it('when the refresh has no cookie, then 401 and the answer clears the cookie; a token in the body is refused, and the old body routes are gone', async () => {
    const { refreshToken } = await signIn();
    const missing = await api().post('/api/auth/session/refresh').set('Origin', shopOrigin).expect(401);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(sessionSetCookie(missing)).toMatch(/^shop_refresh=; Path=\/api\/auth\/session; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict$/);
    // Other cookies are not mistaken for it.
    await api().post('/api/auth/session/refresh').set('Origin', shopOrigin).set('Cookie', `x_${AuthSessionCookie.name}=${refreshToken}; cart_id=abc`).expect(401);
    await api().post('/api/auth/session/refresh').set('Origin', shopOrigin).send({ refreshToken }).expect(400);
    await api().post('/api/auth/session/refresh').set('Origin', shopOrigin).set('Cookie', sessionCookieHeader(refreshToken)).send({}).expect(200);
    await api().post('/api/auth/refresh').send({ refreshToken }).expect(404);
    await api().post('/api/auth/logout').send({ refreshToken }).expect(404);
  });

  it('when refresh tokens are stored, then only their SHA-256 is kept', async () => {
    const { refreshToken } = await signIn();
    const { rows } = await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM refresh_tokens WHERE token_hash = $1', [refreshToken]);
    expect(Number(rows[0].n)).toBe(0);
    const { rows: hashed } = await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)]);
    expect(Number(hashed[0].n)).toBe(1);
  });

  it('when a rotated cookie is presented again, then 401 (the cookie cleared) and the whole family is revoked, the newest token included', async () => {
    const first = await signIn();
    const second = sessionCookieValue(await refresh(first.refreshToken).expect(200));
    const third = sessionCookieValue(await refresh(second).expect(200));

    const replay = await refresh(first.refreshToken).expect(401);
    expect(replay.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(sessionSetCookie(replay)).toMatch(/^shop_refresh=;.*Expires=Thu, 01 Jan 1970/);
    await refresh(third).expect(401);

    const { rows } = await getDb().query<{ revoked: number; total: number }>(
      `SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL)::int8 AS revoked, count(*)::int8 AS total FROM refresh_tokens WHERE family_id = $1`,
      [await familyOf(first.refreshToken)],
    );
    expect({ revoked: Number(rows[0].revoked), total: Number(rows[0].total) }).toEqual({ revoked: 3, total: 3 });
  });

  it('when one family is revoked, then the same user\'s other sessions keep working', async () => {
    const account = newAccount('two-sessions');
    await api().post('/api/auth/register').send(account).expect(202);
    const laptop = await startSession(auth.app, account);
    const phone = await startSession(auth.app, account);
    await refresh(laptop.refreshToken).expect(200);
    await refresh(laptop.refreshToken).expect(401);
    await refresh(phone.refreshToken).expect(200);
  });

  it('when 10 refreshes of one cookie run in parallel, then exactly one succeeds', async () => {
    const { refreshToken } = await signIn();
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(refreshToken)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
    const { rows } = await getDb().query<{ n: number }>(
      'SELECT count(*)::int8 AS n FROM refresh_tokens WHERE parent_id = (SELECT id FROM refresh_tokens WHERE token_hash = $1)',
      [hashRefreshToken(refreshToken)],
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('when a refresh token has expired, then 401 and its family is not revoked for it', async () => {
    const { refreshToken } = await signIn();
    await getDb().query("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [hashRefreshToken(refreshToken)]);
    await refresh(refreshToken).expect(401);
    const { rows } = await getDb().query<{ revoked_at: Date | null }>('SELECT revoked_at FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)]);
    expect(rows[0].revoked_at).toBeNull();
  });

  it('when an unknown or malformed cookie is presented, then 401', async () => {
    await refresh('A'.repeat(43)).expect(401);
    await api().post('/api/auth/session/refresh').set('Origin', shopOrigin).set('Cookie', `${AuthSessionCookie.name}=not%20base64url!`).expect(401);
  });

  it('when a user logs out, then 204 clears the cookie and the token (and its successors) no longer work; logging out again or without a cookie is still 204', async () => {
    const first = await signIn();
    const second = sessionCookieValue(await refresh(first.refreshToken).expect(200));
    const res = await logout(second).expect(204);
    expect(sessionSetCookie(res)).toMatch(/^shop_refresh=;.*Expires=Thu, 01 Jan 1970/);
    await refresh(second).expect(401);
    await logout(second).expect(204);
    await logout('never-issued-token').expect(204);
    await api().post('/api/auth/session/logout').set('Origin', shopOrigin).expect(204);
  });

  it('when a logout comes without the shop\'s Origin, then 403 and the session goes on', async () => {
    const { refreshToken } = await signIn();
    await api().post('/api/auth/session/logout').set('Cookie', sessionCookieHeader(refreshToken)).expect(403);
    await api().post('/api/auth/session/logout').set('Origin', 'https://evil.example').set('Cookie', sessionCookieHeader(refreshToken)).expect(403);
    await refresh(refreshToken).expect(200);
  });

  it('when a user signs out everywhere, then every family of theirs is revoked, another user\'s is not, and the cookie is cleared', async () => {
    const account = newAccount('everywhere');
    await api().post('/api/auth/register').send(account).expect(202);
    const laptop = await startSession(auth.app, account);
    const phone = await startSession(auth.app, account);
    const rotatedPhone = sessionCookieValue(await refresh(phone.refreshToken).expect(200));
    const stranger = await signIn();

    await api().post('/api/auth/sessions/revoke-all').set('Origin', shopOrigin).expect(401);
    const res = await api().post('/api/auth/sessions/revoke-all').set('Authorization', `Bearer ${laptop.grant.accessToken}`).expect(204);
    expect(sessionSetCookie(res)).toMatch(/^shop_refresh=; Path=\/api\/auth\/session;.*Expires=Thu, 01 Jan 1970/);

    await refresh(laptop.refreshToken).expect(401);
    await refresh(rotatedPhone).expect(401);
    expect(await unrevokedTokensOf(laptop.grant.user.id)).toBe(0);
    await refresh(stranger.refreshToken).expect(200);
    // A new sign-in starts a new session as usual.
    const again = await startSession(auth.app, account);
    await refresh(again.refreshToken).expect(200);
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
    // Verified, as an admin must be.
    await getDb().query("UPDATE users SET roles = ARRAY['customer','admin']::text[], email_verified = true WHERE id = ANY($1::uuid[])", [[acting.user.id, demoted.user.id]]);
    const actingAdmin = (await refresh(acting.refreshToken).expect(200)).body;
    const demotedGrant = await refresh(demoted.refreshToken).expect(200);
    const listUsers = (accessToken: string) => api().get('/api/auth/users').set('Authorization', `Bearer ${accessToken}`);
    await listUsers(demotedGrant.body.accessToken).expect(200);

    await api().put(`/api/auth/users/${demoted.user.id}/roles`).set('Authorization', `Bearer ${actingAdmin.accessToken}`).send({ roles: ['customer'] }).expect(200);

    const afterDemotion = (await refresh(sessionCookieValue(demotedGrant)).expect(200)).body;
    expect((await auth.verifier.verify(afterDemotion.accessToken)).roles).toEqual(['customer']);
    expect(afterDemotion.user.roles).toEqual(['customer']);
    const res = await listUsers(afterDemotion.accessToken).expect(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when the account of a session is deleted, then its refresh cookie is refused', async () => {
    const session = await signIn();
    await getDb().query('DELETE FROM users WHERE id = $1', [session.user.id]);
    await refresh(session.refreshToken).expect(401);
  });
});
