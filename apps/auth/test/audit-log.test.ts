import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { InMemoryEventBus, InMemoryStateStore, type CloudEvent } from '@shop/building-blocks';
import {
  AppIds,
  AuditActions,
  AuthInternalPaths,
  EventTypes,
  Topics,
  auditEntriesRecordedDataSchema,
  auditLogPageSchema,
  deadLetterTopicOf,
  partnerUsageByTierSchema,
  type AuditEntry,
} from '@shop/contracts';
import type { AuditRecord, AuditRecorder } from '@shop/kernel';
import { appApiTokenHeader, createServiceMetrics } from '@shop/platform';
import { partitionName, type Database } from '@shop/postgres';
import { describeEachDatabase, uniqueTestTag } from '@shop/testing';
import { auditLogRetentionMonths } from '../src/audit-log.module';
import { startAuthService, type RunningAuthService } from '../src/composition';
import { authDatabases, buildTestApp, newAccount, registerAndSignIn, silentLogger, startSession, testConfig, testSigningKey } from './auth-test-kit';

/** Collects what the code under test records, instead of publishing it. */
class CollectingAuditRecorder implements AuditRecorder {
  readonly records: AuditRecord[] = [];
  record(entry: AuditRecord): void {
    this.records.push(entry);
  }
}

const dayMs = 24 * 3600 * 1000;

/** A valid entry of `actor`, `minutesAgo` minutes old. */
function entry(actorId: string, minutesAgo: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: randomUUID(),
    at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    service: 'catalog',
    actor: { type: 'user', id: actorId },
    action: AuditActions.productUpdated,
    subject: { type: 'product', id: randomUUID() },
    details: { changed: ['price'] },
    ...overrides,
  };
}

describeEachDatabase<Database>('auth: the audit log', authDatabases, (getDb) => {
  const recorder = new CollectingAuditRecorder();
  let app: ReturnType<typeof buildTestApp>;
  let bus: InMemoryEventBus;
  const deadLetters: CloudEvent[] = [];
  let adminToken: string;
  let customerToken: string;
  let customerId: string;

  beforeAll(async () => {
    app = buildTestApp(getDb(), { audit: recorder });
    await app.auditLog.maintainPartitions();
    // The catalog's bus: what it publishes reaches auth's subscription on the same broker.
    bus = new InMemoryEventBus({ source: AppIds.catalog });
    app.auditLog.subscribe(bus);
    bus.subscribe(deadLetterTopicOf(Topics.audit), async (event) => {
      deadLetters.push(event);
      return 'SUCCESS';
    }, { group: 'dead-letters' });
    await bus.start();

    const admin = newAccount('audit-admin');
    const adminGrant = await registerAndSignIn(app.app, admin);
    await getDb().query("UPDATE users SET roles = ARRAY['customer','admin']::text[], email_verified = true WHERE id = $1", [adminGrant.user.id]);
    adminToken = (await startSession(app.app, admin)).grant.accessToken;
    const customer = await registerAndSignIn(app.app, newAccount('audit-customer'));
    customerToken = customer.accessToken;
    customerId = customer.user.id;
  });
  afterAll(async () => {
    await bus.close();
  });

  const publish = async (entries: unknown[], id?: string) => {
    await bus.publish(Topics.audit, { id, type: EventTypes.auditEntriesRecorded, data: { entries } });
    await bus.whenIdle();
  };
  const storedIds = async (ids: string[]) =>
    (await getDb().query<{ id: string }>('SELECT id FROM audit_log WHERE id = ANY($1::uuid[]) ORDER BY id', [ids])).rows.map((row) => row.id);
  const readLog = (query: Record<string, string>, token = adminToken) => request(app.app).get('/api/admin/audit-log').query(query).set('Authorization', `Bearer ${token}`);

  it('when a batch is published on the audit topic, then its entries are stored, once even when the batch is delivered again', async () => {
    const actor = uniqueTestTag('actor');
    const batch = [entry(actor, 2), entry(actor, 1, { subject: null, details: {} })];
    const eventId = randomUUID();
    await publish(batch, eventId);
    await publish(batch, eventId);
    // The same entries in another event (a recorder that retried after a lost answer) change nothing either.
    await publish(batch);

    expect(await storedIds(batch.map((e) => e.id))).toEqual(batch.map((e) => e.id).sort());
    const page = auditLogPageSchema.parse((await readLog({ actor }).expect(200)).body);
    expect(page.items).toEqual([batch[1], batch[0]]);
  });

  it('when a batch is malformed, then it is dropped to the dead-letter topic and nothing of it is stored', async () => {
    const good = entry(uniqueTestTag('actor'), 1);
    await publish([good, { ...entry('x', 1), action: 'product.stolen' }]);
    expect(await storedIds([good.id])).toEqual([]);
    expect(deadLetters.map((event) => (event.data as { entries: AuditEntry[] }).entries[0].id)).toContain(good.id);
  });

  it('when an admin reads the log, then it filters by actor, action and time, newest first, and the cursor walks every page once', async () => {
    const actor = uniqueTestTag('actor');
    const entries = [0, 1, 2, 3, 4].map((i) => entry(actor, 10 - i, { action: i % 2 === 0 ? AuditActions.productUpdated : AuditActions.productDeleted }));
    // Two entries at the same instant: the id breaks the tie, so neither is skipped nor shown twice across pages.
    entries.push(entry(actor, 6, { at: entries[4].at }));
    await publish([...entries, entry(uniqueTestTag('someone-else'), 5)]);
    const newestFirst = [...entries].sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id)).map((e) => e.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { actor, limit: '2', ...(cursor ? { cursor } : {}) };
      const page = auditLogPageSchema.parse((await readLog(query).expect(200).expect('Cache-Control', 'no-store')).body);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(newestFirst);
    expect(pages).toBe(3);

    const deleted = auditLogPageSchema.parse((await readLog({ actor, action: AuditActions.productDeleted }).expect(200)).body);
    expect(deleted.items.map((e) => e.id).sort()).toEqual([entries[1].id, entries[3].id].sort());

    // `from` inclusive, `to` exclusive.
    const window = auditLogPageSchema.parse((await readLog({ actor, from: entries[1].at, to: entries[3].at }).expect(200)).body);
    expect(window.items.map((e) => e.id)).toEqual([entries[2].id, entries[1].id]);
  });

  it('when the query or the cursor is not valid, then the answer is 400 problem+json', async () => {
    const badQueries: Array<Record<string, string>> = [{ limit: '0' }, { limit: 'ten' }, { action: 'product.stolen' }, { from: 'yesterday' }, { unknown: '1' }, { cursor: 'not-a-cursor' }];
    for (const query of badQueries) {
      const res = await readLog(query);
      expect([res.status, res.type]).toEqual([400, 'application/problem+json']);
    }
    const later = new Date().toISOString();
    await readLog({ from: later, to: new Date(Date.now() - 60_000).toISOString() }).expect(400);
  });

  it('when the caller is not an admin, then the log and the usage answer 403, and 401 without a token', async () => {
    await readLog({}, customerToken).expect(403);
    await request(app.app).get('/api/admin/partner-usage').set('Authorization', `Bearer ${customerToken}`).expect(403);
    await request(app.app).get('/api/admin/audit-log').expect(401);
  });

  it('when anyone tries to change or delete entries, then there is no such route', async () => {
    const stored = entry(uniqueTestTag('actor'), 1);
    await publish([stored]);
    for (const send of [
      () => request(app.app).delete('/api/admin/audit-log'),
      () => request(app.app).delete(`/api/admin/audit-log/${stored.id}`),
      () => request(app.app).put(`/api/admin/audit-log/${stored.id}`).send(stored),
      () => request(app.app).patch(`/api/admin/audit-log/${stored.id}`).send({ details: {} }),
      () => request(app.app).post('/api/admin/audit-log').send({ entries: [entry('x', 1)] }),
    ]) {
      const res = await send().set('Authorization', `Bearer ${adminToken}`);
      expect([404, 405]).toContain(res.status);
    }
    expect(await storedIds([stored.id])).toEqual([stored.id]);
  });

  it('when partner requests were audited, then the usage is counted per tier and UTC day, oldest first, every day and tier present', async () => {
    const request429 = (keyId: string, tier: string, minutesAgo: number, status: number) =>
      entry(keyId, minutesAgo, { service: 'catalog', actor: { type: 'api_key', id: keyId }, action: AuditActions.partnerRequest, subject: null, details: { method: 'GET', route: '/api/partner/v1/products', status, durationMs: 3, tier } });
    const now = new Date();
    const minutesIntoToday = now.getUTCHours() * 60 + now.getUTCMinutes();
    const yesterday = minutesIntoToday + 60;
    await publish([
      request429('key-a', 'free', 0, 200),
      request429('key-a', 'free', 0, 429),
      request429('key-b', 'free', 0, 404),
      request429('key-c', 'premium', yesterday, 200),
      // Before the range of 3 days: not counted.
      request429('key-c', 'premium', minutesIntoToday + 3 * 24 * 60 + 10, 200),
    ]);

    const usage = partnerUsageByTierSchema.parse((await request(app.app).get('/api/admin/partner-usage?days=3').set('Authorization', `Bearer ${adminToken}`).expect(200)).body);
    const today = now.toISOString().slice(0, 10);
    expect(usage.days.map((d) => d.day)).toEqual([new Date(now.getTime() - 2 * dayMs), new Date(now.getTime() - dayMs), now].map((d) => d.toISOString().slice(0, 10)));
    expect(usage.days[2]).toEqual({
      day: today,
      tiers: [
        { tier: 'free', keys: 2, requests: 2, rejected: 1 },
        { tier: 'standard', keys: 0, requests: 0, rejected: 0 },
        { tier: 'premium', keys: 0, requests: 0, rejected: 0 },
      ],
    });
    expect(usage.days[1].tiers.find((t) => t.tier === 'premium')).toEqual({ tier: 'premium', keys: 1, requests: 1, rejected: 0 });
    expect(usage.days[0].tiers.every((t) => t.keys === 0 && t.requests === 0 && t.rejected === 0)).toBe(true);

    const byDefault = partnerUsageByTierSchema.parse((await request(app.app).get('/api/admin/partner-usage').set('Authorization', `Bearer ${adminToken}`).expect(200)).body);
    expect(byDefault.days).toHaveLength(30);
    for (const days of ['0', '91', 'x']) await request(app.app).get(`/api/admin/partner-usage?days=${days}`).set('Authorization', `Bearer ${adminToken}`).expect(400);
  });

  it("when an admin changes a user's roles, then the change is audited with the admin as the actor", async () => {
    const adminId = (await request(app.app).get('/api/auth/me').set('Authorization', `Bearer ${adminToken}`).expect(200)).body.user.id as string;
    await request(app.app).put(`/api/auth/users/${customerId}/roles`).set('Authorization', `Bearer ${adminToken}`).send({ roles: ['customer'] }).expect(200);
    const audited = recorder.records.filter((r) => r.action === AuditActions.userRolesChanged && r.subject?.id === customerId);
    expect(audited).toHaveLength(1);
    expect(audited[0].actor).toEqual({ type: 'user', id: adminId });
    expect(audited[0].details).toEqual({ roles: ['customer'] });
  });

  it('when the partition job runs, then this and the coming months have partitions, twice is a no-op, and it needs the app token', async () => {
    const guarded = buildTestApp(getDb(), { env: { APP_API_TOKEN: 'a-long-app-api-token-for-tests' } });
    await request(guarded.app).post(AuthInternalPaths.maintainPartitions).expect(401);
    const maintain = () => request(guarded.app).post(AuthInternalPaths.maintainPartitions).set(appApiTokenHeader, 'a-long-app-api-token-for-tests').expect(200);
    // The first run may create the partition of an earlier month whose entries (published above) waited in the default one.
    await maintain();
    expect((await maintain()).body).toEqual({ created: [], dropped: [], movedFromDefault: 0 });
    expect(Number((await getDb().query<{ n: string }>('SELECT count(*) AS n FROM audit_log_default')).rows[0].n)).toBe(0);
    const { rows } = await getDb().query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('audit_log')");
    const now = new Date();
    const month = (offset: number) => partitionName('audit_log', new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)));
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining([month(0), month(1), month(2), month(3), 'audit_log_default']));
    // 90 days: a month more than they span, so no partition younger than 90 days is ever dropped.
    expect(auditLogRetentionMonths(90)).toBe(4);
  });
});

describeEachDatabase<Database>('auth: audit entries on shutdown', authDatabases, (getDb) => {
  it('when the service stops right after an audited action, then its entries were published before stop resolved', async () => {
    const bus = new InMemoryEventBus({ source: 'test' });
    const published: AuditEntry[] = [];
    bus.subscribe(Topics.audit, async (event) => {
      published.push(...auditEntriesRecordedDataSchema.parse(event.data).entries);
      return 'SUCCESS';
    }, { group: 'observer' });
    await bus.start();
    let running: RunningAuthService | undefined;
    try {
      running = await startAuthService({
        config: { ...testConfig({ ADMIN_EMAIL: 'audit.root@example.com', ADMIN_PASSWORD: 'a long admin passphrase', HOST: '127.0.0.1' }), PORT: 0, AUTH_SIGNING_KEYS: [testSigningKey()] },
        logger: silentLogger,
        blocks: { stateStore: new InMemoryStateStore(), eventBus: bus },
        db: getDb(),
        metrics: createServiceMetrics(AppIds.auth, { collectProcessMetrics: false }),
      });
      const adminToken = (await request(running.url).post('/api/auth/login').send({ email: 'audit.root@example.com', password: 'a long admin passphrase' }).expect(200)).body.accessToken as string;
      const customer = await registerAndSignIn(running.url, newAccount('audit-stop'));
      await request(running.url).put(`/api/auth/users/${customer.user.id}/roles`).set('Authorization', `Bearer ${adminToken}`).send({ roles: ['customer'] }).expect(200);
      await running.stop();
      running = undefined;
      await bus.whenIdle();
      expect(published.filter((e) => e.action === AuditActions.userRolesChanged && e.subject?.id === customer.user.id)).toHaveLength(1);
      expect(published[0].service).toBe(AppIds.auth);
    } finally {
      await running?.stop();
      await bus.close();
    }
  });
});
