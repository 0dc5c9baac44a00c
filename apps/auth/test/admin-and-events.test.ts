import request from 'supertest';
import { InMemoryEventBus, InMemoryStateStore, type CloudEvent } from '@shop/building-blocks';
import { AppIds, EventTypes, Topics, userRegisteredDataSchema, userRegistrationRepeatedDataSchema } from '@shop/contracts';
import { createServiceMetrics } from '@shop/platform';
import type { Database } from '@shop/postgres';
import { describeEachDatabase, eventually } from '@shop/testing';
import { startAuthService, type RunningAuthService } from '../src/composition';
import { authDatabases, newAccount, registerAndSignIn, silentLogger, testConfig, testSigningKey } from './auth-test-kit';

const adminEmail = 'Root.Admin@Example.com';
const adminPassword = 'a long admin passphrase';

describeEachDatabase<Database>('auth service: first admin, admin API and events', authDatabases, (getDb) => {
  let bus: InMemoryEventBus;
  const received: CloudEvent[] = [];
  const running: RunningAuthService[] = [];

  /** Starts the service as main.ts does, on the shared test database and bus. */
  const start = () =>
    startAuthService({
      config: { ...testConfig({ ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, PORT: '3001', HOST: '127.0.0.1' }), PORT: 0, AUTH_SIGNING_KEYS: [testSigningKey()] },
      logger: silentLogger,
      blocks: { stateStore: new InMemoryStateStore(), eventBus: bus },
      db: getDb(),
      metrics: createServiceMetrics(AppIds.auth, { collectProcessMetrics: false }),
    }).then((service) => {
      running.push(service);
      return service;
    });

  beforeAll(async () => {
    bus = new InMemoryEventBus({ source: AppIds.auth });
    bus.subscribe(Topics.users, async (event) => {
      received.push(event);
      return 'SUCCESS';
    }, { group: 'recorder' });
    await bus.start();
  });
  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await bus.close();
  });

  const adminUsers = async () =>
    (await getDb().query<{ id: string; roles: string[] }>("SELECT id, roles FROM users WHERE lower(email) = 'root.admin@example.com'")).rows;

  const signIn = async (url: string, email: string, password: string): Promise<string> =>
    (await request(url).post('/api/auth/login').send({ email, password }).expect(200)).body.accessToken;

  it('when the service starts twice at once and again later, then there is exactly one admin account and one event for it', async () => {
    const [first, second] = await Promise.all([start(), start()]);
    await start();
    expect(first.adminEmail).toBe('root.admin@example.com');
    expect(second.adminEmail).toBe('root.admin@example.com');
    const rows = await adminUsers();
    expect(rows).toHaveLength(1);
    expect(rows[0].roles).toEqual(['customer', 'admin']);
    await eventually(() => received.some((e) => e.subject === rows[0].id));
    await bus.whenIdle();
    expect(received.filter((e) => e.subject === rows[0].id)).toHaveLength(1);
    await request(first.url).get('/readyz').expect(200);
  });

  it('when an existing customer is named ADMIN_EMAIL, then a restart gives them the admin role and keeps their password', async () => {
    const service = running[0];
    const account = newAccount('promoted');
    await request(service.url).post('/api/auth/register').send(account).expect(202);
    const restarted = await startAuthService({
      config: { ...testConfig({ ADMIN_EMAIL: account.email, ADMIN_PASSWORD: 'another admin passphrase' }), PORT: 0, HOST: '127.0.0.1', AUTH_SIGNING_KEYS: [testSigningKey()] },
      logger: silentLogger,
      blocks: { stateStore: new InMemoryStateStore(), eventBus: bus },
      db: getDb(),
      metrics: createServiceMetrics(AppIds.auth, { collectProcessMetrics: false }),
    });
    running.push(restarted);
    const login = await request(restarted.url).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200);
    expect(login.body.user.roles).toEqual(['customer', 'admin']);
    // The operator named the address: the bootstrap admin counts as verified (an admin role needs it).
    expect(login.body.user.emailVerified).toBe(true);
  });

  it('when a user registers, then user.registered is published on the users topic without the password', async () => {
    const service = running[0];
    const account = newAccount('evented');
    const { user } = await registerAndSignIn(service.url, account);
    const event = await eventually(() => received.find((e) => e.subject === user.id && e.type === EventTypes.userRegistered));
    expect(event).toMatchObject({ source: AppIds.auth, topic: Topics.users });
    expect(event.data).toEqual({ userId: user.id, email: account.email, name: account.name, registeredAt: user.createdAt });
    expect(userRegisteredDataSchema.parse(event.data)).toEqual(event.data);
    expect(JSON.stringify(event)).not.toContain(account.password);
    expect(JSON.stringify(event)).not.toContain('scrypt');
  });

  it('when an e-mail that has an account is registered again, then user.registration_repeated is published once for its owner', async () => {
    const service = running[0];
    const account = newAccount('repeated');
    const { user } = await registerAndSignIn(service.url, account);
    await request(service.url).post('/api/auth/register').send({ ...account, name: 'Someone Else', password: 'another long passphrase' }).expect(202);
    const repeated = await eventually(() => received.find((e) => e.subject === user.id && e.type === EventTypes.userRegistrationRepeated));
    expect(repeated).toMatchObject({ source: AppIds.auth, topic: Topics.users });
    // The account's own name, not the stranger's, and never a password.
    expect(repeated.data).toEqual({ userId: user.id, email: account.email, name: account.name, attemptedAt: expect.any(String) });
    expect(userRegistrationRepeatedDataSchema.parse(repeated.data)).toEqual(repeated.data);
    expect(JSON.stringify(repeated)).not.toContain('another long passphrase');
    // The relay deletes an outbox row in the transaction that publishes it: once none is left, every publish is done.
    await eventually(async () => (await getDb().query('SELECT 1 FROM outbox_events WHERE subject = $1', [user.id])).rows.length === 0);
    const types = received.filter((e) => e.subject === user.id).map((e) => e.type);
    // The repeat sends no second verification link: only the new account's registration did.
    expect(types.sort()).toEqual([EventTypes.userRegistered, EventTypes.userEmailVerificationRequested, EventTypes.userRegistrationRepeated].sort());
  });

  it('when an admin lists users with an email search, then the matching page comes back with the total', async () => {
    const service = running[0];
    const token = await signIn(service.url, adminEmail, adminPassword);
    const tag = `find-${Date.now()}`;
    for (let i = 0; i < 3; i += 1) {
      await request(service.url).post('/api/auth/register').send({ ...newAccount(), email: `${tag}-${i}@example.com` }).expect(202);
    }
    const page = await request(service.url).get('/api/auth/users').query({ email: tag.toUpperCase(), limit: 2 }).set('Authorization', `Bearer ${token}`).expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((u: { email: string }) => u.email)).toEqual([`${tag}-0@example.com`, `${tag}-1@example.com`]);
    expect(page.body).toMatchObject({ limit: 2, offset: 0 });
    expect(JSON.stringify(page.body)).not.toContain('scrypt');
    const next = await request(service.url).get('/api/auth/users').query({ email: tag, limit: 2, offset: 2 }).set('Authorization', `Bearer ${token}`).expect(200);
    expect(next.body.items).toHaveLength(1);
    const wildcard = await request(service.url).get('/api/auth/users').query({ email: '%' }).set('Authorization', `Bearer ${token}`).expect(200);
    expect(wildcard.body.total).toBe(0);
    await request(service.url).get('/api/auth/users').query({ limit: 1000 }).set('Authorization', `Bearer ${token}`).expect(400);
    await request(service.url).get('/api/auth/users').query({ sort: 'email' }).set('Authorization', `Bearer ${token}`).expect(400);
  });

  it('when an admin grants the admin role, then the user has it from their next token on', async () => {
    const service = running[0];
    const adminToken = await signIn(service.url, adminEmail, adminPassword);
    const account = newAccount('grantee');
    const { user, accessToken: oldToken } = await registerAndSignIn(service.url, account);
    const grant = () => request(service.url).put(`/api/auth/users/${user.id}/roles`).set('Authorization', `Bearer ${adminToken}`).send({ roles: ['admin'] });

    const unverified = await grant().expect(409);
    expect(unverified.body).toMatchObject({ type: 'urn:shop:problem:conflict', detail: 'An admin role needs a verified e-mail address' });
    // The link of the e-mail the registration sent, as the notifier received it.
    const verification = await eventually(() => received.find((e) => e.subject === user.id && e.type === EventTypes.userEmailVerificationRequested));
    const verified = await request(service.url).post('/api/auth/email-verification/confirm').send({ token: (verification.data as { token: string }).token }).expect(200);
    expect(verified.body.user).toMatchObject({ id: user.id, emailVerified: true });

    const res = await grant().expect(200);
    expect(res.body.user).toMatchObject({ roles: ['customer', 'admin'], emailVerified: true });

    await request(service.url).get('/api/auth/users').set('Authorization', `Bearer ${oldToken}`).expect(403);
    const newToken = await signIn(service.url, account.email, account.password);
    await request(service.url).get('/api/auth/users').set('Authorization', `Bearer ${newToken}`).expect(200);
  });

  it('when a customer calls the admin API, then 403 and nothing changes', async () => {
    const service = running[0];
    const account = newAccount('customer');
    const { user, accessToken: token } = await registerAndSignIn(service.url, account);
    await request(service.url).get('/api/auth/users').set('Authorization', `Bearer ${token}`).expect(403);
    await request(service.url).put(`/api/auth/users/${user.id}/roles`).set('Authorization', `Bearer ${token}`).send({ roles: ['admin'] }).expect(403);
    await request(service.url).get('/api/auth/users').expect(401);
    const { rows } = await getDb().query<{ roles: string[] }>('SELECT roles FROM users WHERE id = $1', [user.id]);
    expect(rows[0].roles).toEqual(['customer']);
    // A user may read their own account, not someone else's.
    await request(service.url).get(`/api/auth/users/${user.id}`).set('Authorization', `Bearer ${token}`).expect(200);
    await request(service.url).get(`/api/auth/users/${(await adminUsers())[0].id}`).set('Authorization', `Bearer ${token}`).expect(403);
  });

  it('when an admin removes their own admin role, names an unknown user or sends bad roles, then 409, 404 and 400', async () => {
    const service = running[0];
    const token = await signIn(service.url, adminEmail, adminPassword);
    const adminId = (await adminUsers())[0].id;
    const put = (id: string, body: unknown) => request(service.url).put(`/api/auth/users/${id}/roles`).set('Authorization', `Bearer ${token}`).send(body as object);
    await put(adminId, { roles: ['customer'] }).expect(409);
    expect((await adminUsers())[0].roles).toEqual(['customer', 'admin']);
    await put('00000000-0000-4000-8000-000000000000', { roles: ['admin'] }).expect(404);
    await put('not-a-uuid', { roles: ['admin'] }).expect(400);
    await put(adminId, { roles: ['superuser'] }).expect(400);
    await put(adminId, { roles: ['admin'], extra: true }).expect(400);
  });
});
