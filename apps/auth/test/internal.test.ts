import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminContactsReplySchema, AuthInternalPaths, userContactSchema } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import type { AuthApp } from '../src/composition';
import { authDatabases, buildTestApp, newAccount, registerAndSignIn } from './auth-test-kit';

const appApiToken = 'internal-test-token';

describeEachDatabase<Database>('auth internal routes (account contacts for the platform)', authDatabases, (getDb) => {
  let auth: AuthApp;
  beforeAll(() => {
    auth = buildTestApp(getDb(), { env: { APP_API_TOKEN: appApiToken } });
  });
  const internal = (path: string) => request(auth.app).get(path).set('dapr-api-token', appApiToken);

  it('when a registered user is asked for, then only id, email and name are answered', async () => {
    const account = newAccount('contact');
    const { user } = await registerAndSignIn(auth.app, account);
    const answer = await internal(AuthInternalPaths.user(user.id)).expect(200);
    expect(answer.body).toEqual({ id: user.id, email: account.email, name: account.name });
    expect(userContactSchema.parse(answer.body)).toEqual(answer.body);
  });

  it('when the id is unknown, then 404; when it is not a uuid, then 400 (problem+json)', async () => {
    const unknown = await internal(AuthInternalPaths.user(randomUUID())).expect(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    const malformed = await internal(AuthInternalPaths.user('not-a-uuid')).expect(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when the admins are listed, then every admin account and no customer is in the list', async () => {
    const admin = newAccount('admin');
    const { user } = await auth.service.ensureAdmin({ email: admin.email, password: admin.password });
    const customer = newAccount('customer');
    await request(auth.app).post('/api/auth/register').send(customer).expect(202);
    const { body } = await internal(AuthInternalPaths.admins).expect(200);
    // What the Functions app's notifier reads, in the contract's shape.
    expect(adminContactsReplySchema.parse(body)).toEqual(body);
    expect(body.items).toContainEqual({ id: user.id, email: admin.email, name: expect.any(String) });
    expect(body.items.map((item: { email: string }) => item.email)).not.toContain(customer.email);
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(['email', 'id', 'name']);
  });

  it('when the caller lacks the app API token, then 401, and public routes still need no token', async () => {
    await request(auth.app).get(AuthInternalPaths.admins).expect(401);
    await request(auth.app).get(AuthInternalPaths.user(randomUUID())).set('dapr-api-token', 'wrong').expect(401);
    await request(auth.app).get('/api/auth/.well-known/jwks.json').expect(200);
  });
});
