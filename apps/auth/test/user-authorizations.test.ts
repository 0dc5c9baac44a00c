import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuthUserAuthorizationPaths, userAuthorizationSchema } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import type { AuthApp } from '../src/composition';
import { authDatabases, buildTestApp, newAccount, registerAndSignIn } from './auth-test-kit';

const appApiToken = 'user-authorizations-test-token-0123456789';

describeEachDatabase<Database>('auth\'s current roles: the internal read and the role change', authDatabases, (getDb) => {
  let auth: AuthApp;
  beforeAll(() => {
    auth = buildTestApp(getDb(), { env: { APP_API_TOKEN: appApiToken } });
  });
  const internal = (userId: string) => request(auth.app).get(AuthUserAuthorizationPaths.user(userId)).set('dapr-api-token', appApiToken);
  const setRoles = (authorization: string, userId: string, roles: string[]) =>
    request(auth.app).put(`/api/auth/users/${userId}/roles`).set('Authorization', authorization).send({ roles });

  /** An admin through the bootstrap path, signed in: its id and Authorization header. */
  async function signedInAdmin(label: string): Promise<{ id: string; authorization: string }> {
    const account = newAccount(label);
    const { user } = await auth.service.ensureAdmin({ email: account.email, password: account.password });
    const { body } = await request(auth.app).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200);
    return { id: user.id, authorization: `Bearer ${body.accessToken as string}` };
  }

  it('when a user is asked for, then their current roles are answered, uncached and in the contract\'s shape, and a change shows at once', async () => {
    const admin = await signedInAdmin('granting-admin');
    const { user } = await registerAndSignIn(auth.app, newAccount('customer'));
    const before = await internal(user.id).expect(200);
    expect(before.headers['cache-control']).toBe('no-store');
    expect(userAuthorizationSchema.parse(before.body)).toEqual({ userId: user.id, roles: ['customer'], disabled: false });

    const demotedAdmin = await signedInAdmin('to-be-demoted');
    expect((await internal(demotedAdmin.id).expect(200)).body.roles).toEqual(['customer', 'admin']);
    await setRoles(admin.authorization, demotedAdmin.id, ['customer']).expect(200);
    expect((await internal(demotedAdmin.id).expect(200)).body.roles).toEqual(['customer']);
  });

  it('when the id names no account (unknown, or not a UUID), then 404 problem+json', async () => {
    for (const id of [randomUUID(), 'admin-1']) {
      const answer = await internal(id).expect(404);
      expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('when the caller lacks the app API token or presents a wrong one, then 401', async () => {
    const { user } = await registerAndSignIn(auth.app, newAccount('probed'));
    await request(auth.app).get(AuthUserAuthorizationPaths.user(user.id)).expect(401);
    await request(auth.app).get(AuthUserAuthorizationPaths.user(user.id)).set('dapr-api-token', 'wrong').expect(401);
  });

  it('when an admin demoted since their token was issued changes roles, then 403 and nothing changes; an admin who still is one changes them', async () => {
    const [keeper, demoted] = [await signedInAdmin('keeper'), await signedInAdmin('demoted')];
    const { user: customer } = await registerAndSignIn(auth.app, newAccount('bystander'));
    await setRoles(keeper.authorization, demoted.id, ['customer']).expect(200);

    // The demoted admin's token still says admin and still reads the accounts (reads trust the token).
    await request(auth.app).get('/api/auth/users').set('Authorization', demoted.authorization).expect(200);
    const refused = await setRoles(demoted.authorization, demoted.id, ['customer', 'admin']).expect(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    await setRoles(demoted.authorization, keeper.id, ['customer']).expect(403);
    expect((await internal(demoted.id).expect(200)).body.roles).toEqual(['customer']);
    expect((await internal(keeper.id).expect(200)).body.roles).toEqual(['customer', 'admin']);

    const changed = await setRoles(keeper.authorization, customer.id, ['customer']).expect(200);
    expect(changed.body.user.roles).toEqual(['customer']);
  });
});
