import { createHash } from 'node:crypto';
import request from 'supertest';
import { InMemoryEventBus, type CloudEvent } from '@shop/building-blocks';
import { AppIds, AuditActions, AuthInternalPaths, EventTypes, Topics, apiKeyChangedDataSchema, apiKeyListSchema, apiKeyPattern, issuedApiKeySchema, verifiedApiKeySchema } from '@shop/contracts';
import type { AuditRecord } from '@shop/kernel';
import type { Database } from '@shop/postgres';
import { describeEachDatabase, eventually } from '@shop/testing';
import type { AuthApp } from '../src/composition';
import { authDatabases, buildTestApp, newAccount, registerAndSignIn, testClock } from './auth-test-kit';

const appApiToken = 'api-keys-test-app-token-0123456789abcdef';
const hashSecret = 'api-keys-test-hash-secret-0123456789abcdef';
const base = '/api/admin/api-keys';

describeEachDatabase<Database>('auth: partner API keys issued, listed, rotated, revoked and verified', authDatabases, (getDb) => {
  const clock = testClock(Date.parse('2026-11-02T10:00:00Z'));
  const audited: AuditRecord[] = [];
  const changes: CloudEvent[] = [];
  let bus: InMemoryEventBus;
  let auth: AuthApp;
  let admin: string;

  beforeAll(async () => {
    bus = new InMemoryEventBus({ source: AppIds.auth });
    bus.subscribe(Topics.apiKeys, async (event) => {
      changes.push(event);
      return 'SUCCESS';
    }, { group: 'catalog-replica' });
    await bus.start();
    auth = buildTestApp(getDb(), {
      env: { APP_API_TOKEN: appApiToken, API_KEY_HASH_SECRET: hashSecret, API_KEY_ROTATION_GRACE_HOURS: '2' },
      broadcastBus: bus,
      audit: { record: (entry) => audited.push(entry) },
      now: clock.read,
    });
    const account = newAccount('key-admin');
    await auth.service.ensureAdmin({ email: account.email, password: account.password });
    admin = `Bearer ${(await request(auth.app).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200)).body.accessToken as string}`;
  });
  afterAll(() => bus.close());

  const issue = async (body: object = { name: 'Price comparison', tier: 'standard', scopes: ['catalog:read'] }) =>
    issuedApiKeySchema.parse((await request(auth.app).post(base).set('Authorization', admin).send(body).expect(201)).body);
  const verify = (key: string, token: string | null = appApiToken) => {
    const call = request(auth.app).post(AuthInternalPaths.verifyApiKey).send({ key });
    return token ? call.set('dapr-api-token', token) : call;
  };
  const list = async () => apiKeyListSchema.parse((await request(auth.app).get(base).set('Authorization', admin).expect(200)).body).items;
  const everyStoredText = async (): Promise<string> => {
    const { rows } = await getDb().query<{ dump: string }>(
      `SELECT coalesce((SELECT string_agg(row_to_json(k)::text, ' ') FROM api_keys k), '') || ' ' ||
              coalesce((SELECT string_agg(row_to_json(s)::text, ' ') FROM api_key_secrets s), '') || ' ' ||
              coalesce((SELECT string_agg(row_to_json(o)::text, ' ') FROM outbox_events o), '') AS dump`,
    );
    return rows[0].dump;
  };

  it('when an admin issues a key, then it is shown once with its prefix, works, and the database holds only its keyed hash', async () => {
    const issued = await issue({ name: 'Marketplace feed', tier: 'premium', scopes: ['catalog:read', 'insights:read'] });
    expect(issued.key).toMatch(apiKeyPattern);
    expect(issued.key.startsWith(issued.prefix)).toBe(true);
    expect(issued.prefix).toMatch(/^shp_.{8}$/);
    expect(issued).toMatchObject({ name: 'Marketplace feed', tier: 'premium', scopes: ['catalog:read', 'insights:read'] });

    const stored = await everyStoredText();
    expect(stored).not.toContain(issued.key);
    expect(stored).not.toContain(issued.key.slice(issued.prefix.length));
    // Not a plain digest of the key either: without the server's secret the table opens nothing.
    expect(stored).not.toContain(createHash('sha256').update(issued.key).digest('hex'));

    const verified = verifiedApiKeySchema.parse((await verify(issued.key).expect(200)).body);
    expect(verified).toEqual({ keyId: issued.id, tier: 'premium', scopes: ['catalog:read', 'insights:read'], validUntil: null });
    const listed = (await list()).find((key) => key.id === issued.id);
    expect(listed).toMatchObject({ prefix: issued.prefix, status: 'active', revokedAt: null, rotatedAt: null, previousKeyValidUntil: null });
    expect(listed?.lastUsedAt).toBe(new Date(clock.now).toISOString());
    expect(JSON.stringify(await list())).not.toContain(issued.key);
    expect(audited).toContainEqual(expect.objectContaining({ action: AuditActions.apiKeyCreated, subject: { type: 'api_key', id: issued.id } }));
  });

  it('when a key is malformed, unknown, or one character off, then verification is the same 401; without the app token the route refuses', async () => {
    const issued = await issue();
    const flipped = `${issued.key.slice(0, -1)}${issued.key.endsWith('A') ? 'B' : 'A'}`;
    for (const key of ['', 'not-a-key', `shp_${'x'.repeat(43)}`, flipped, `${issued.key}x`]) {
      const refused = await verify(key);
      expect(refused.status).toBe(key.length > 200 ? 400 : 401);
      if (refused.status === 401) expect(refused.body).toMatchObject({ status: 401, detail: 'The API key is invalid' });
    }
    const withoutToken = await verify(issued.key, null);
    expect({ status: withoutToken.status, body: withoutToken.body }).toMatchObject({ status: 401 });
    expect((await verify(issued.key, 'wrong-token-0123456789abcdef0123456789')).status).toBe(401);
    await verify(issued.key).expect(200);
  });

  it('when a key is rotated, then the new key works, the old one works until the grace ends and then stops, and replicas are told', async () => {
    const issued = await issue();
    const rotated = issuedApiKeySchema.parse((await request(auth.app).post(`${base}/${issued.id}/rotate`).set('Authorization', admin).expect(201)).body);
    expect(rotated.id).toBe(issued.id);
    expect(rotated.key).not.toBe(issued.key);
    const graceEnd = new Date(clock.now + 2 * 3_600_000).toISOString();
    expect(verifiedApiKeySchema.parse((await verify(issued.key).expect(200)).body).validUntil).toBe(graceEnd);
    expect(verifiedApiKeySchema.parse((await verify(rotated.key).expect(200)).body).validUntil).toBeNull();
    expect((await list()).find((key) => key.id === issued.id)).toMatchObject({ prefix: rotated.prefix, rotatedAt: new Date(clock.now).toISOString(), previousKeyValidUntil: graceEnd });
    await eventually(() => changes.some((event) => event.type === EventTypes.apiKeyRotated && apiKeyChangedDataSchema.parse(event.data).keyId === issued.id), 2000);

    clock.advanceSeconds(2 * 3600);
    await verify(issued.key).expect(401);
    await verify(rotated.key).expect(200);
    expect((await list()).find((key) => key.id === issued.id)?.previousKeyValidUntil).toBeNull();
  });

  it('when a key is revoked, then every secret it has had stops at once, replicas are told, a second revocation is harmless and rotation is refused', async () => {
    const issued = await issue();
    const rotated = issuedApiKeySchema.parse((await request(auth.app).post(`${base}/${issued.id}/rotate`).set('Authorization', admin).expect(201)).body);
    await request(auth.app).delete(`${base}/${issued.id}`).set('Authorization', admin).expect(204);
    await verify(issued.key).expect(401);
    await verify(rotated.key).expect(401);
    await eventually(() => changes.some((event) => event.type === EventTypes.apiKeyRevoked && apiKeyChangedDataSchema.parse(event.data).keyId === issued.id), 2000);
    expect((await list()).find((key) => key.id === issued.id)).toMatchObject({ status: 'revoked', revokedAt: new Date(clock.now).toISOString(), previousKeyValidUntil: null });

    await request(auth.app).delete(`${base}/${issued.id}`).set('Authorization', admin).expect(204);
    expect(audited.filter((entry) => entry.action === AuditActions.apiKeyRevoked && entry.subject?.id === issued.id)).toHaveLength(1);
    expect((await request(auth.app).post(`${base}/${issued.id}/rotate`).set('Authorization', admin)).status).toBe(409);
    await verify(issued.key).expect(401);
  });

  it('when the key is unknown, the body is wrong or the caller is no admin, then a problem and nothing is written', async () => {
    const customer = await registerAndSignIn(auth.app, newAccount('not-admin'));
    const before = await everyStoredText();
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await request(auth.app).post(`${base}/${missing}/rotate`).set('Authorization', admin)).status).toBe(404);
    expect((await request(auth.app).delete(`${base}/${missing}`).set('Authorization', admin)).status).toBe(404);
    expect((await request(auth.app).delete(`${base}/not-a-uuid`).set('Authorization', admin)).status).toBe(400);
    for (const body of [
      {},
      { name: 'x', tier: 'gold', scopes: ['catalog:read'] },
      { name: 'x', tier: 'free', scopes: [] },
      { name: 'x', tier: 'free', scopes: ['catalog:write'] },
      { name: 'x', tier: 'free', scopes: ['catalog:read', 'catalog:read'] },
      { name: 'x\u0007', tier: 'free', scopes: ['catalog:read'] },
      { name: 'x', tier: 'free', scopes: ['catalog:read'], key: 'shp_chosen' },
    ]) {
      const refused = await request(auth.app).post(base).set('Authorization', admin).send(body);
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await request(auth.app).post(base).set('Authorization', `Bearer ${customer.accessToken}`).send({ name: 'x', tier: 'free', scopes: ['catalog:read'] })).status).toBe(403);
    expect((await request(auth.app).get(base).set('Authorization', `Bearer ${customer.accessToken}`)).status).toBe(403);
    expect((await request(auth.app).get(base)).status).toBe(401);
    expect(await everyStoredText()).toBe(before);
  });

  it('when a partner key is sent where an admin token is expected, then 401: a key is not a token', async () => {
    const issued = await issue();
    expect((await request(auth.app).get(base).set('Authorization', `Bearer ${issued.key}`)).status).toBe(401);
    expect((await request(auth.app).get('/api/auth/me').set('Authorization', `Bearer ${issued.key}`)).status).toBe(401);
  });
});
