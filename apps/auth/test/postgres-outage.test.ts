import { InMemoryEventBus, InMemoryStateStore } from '@shop/building-blocks';
import { AppIds } from '@shop/contracts';
import { createServiceMetrics } from '@shop/platform';
import { PgDatabase, createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { describeWithBackend, eventually, startTcpProxy, timedCall, type TcpProxy, type TimedAnswer } from '@shop/testing';
import { migrateAuthDatabase, startAuthService, type RunningAuthService } from '../src/composition';
import { newAccount, silentLogger, testConfig } from './auth-test-kit';

describeWithBackend('postgres', 'auth service while PostgreSQL is down', (serverUrl) => {
  const account = newAccount('outage');
  let throwaway: ThrowawayDatabase;
  let proxy: TcpProxy;
  let service: RunningAuthService;

  const call = (method: string, path: string, body?: unknown): Promise<TimedAnswer> => timedCall(service.url, method, path, { body });

  const login = () => call('POST', '/api/auth/login', { email: account.email, password: account.password });

  function expectUnavailable(answer: TimedAnswer): void {
    expect(answer.status).toBe(503);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.retryAfter).toBe('1');
    expect(answer.body).toMatchObject({ status: 503, detail: 'The database is unavailable; try again shortly' });
  }

  async function expectNotReadyNamingTheDatabase(): Promise<void> {
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(1500);
    expect(ready.body.checks).toEqual([{ name: 'database', ok: false, error: expect.stringMatching(/^PostgreSQL primary did not answer: /) }]);
    expect((await call('GET', '/healthz')).status).toBe(200);
  }

  async function expectRecoveryWithin10s(): Promise<void> {
    const resumedAt = Date.now();
    await eventually(async () => (await login()).status === 200, 10_000, 100);
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    expect((await call('GET', '/readyz')).status).toBe(200);
  }

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(serverUrl, 'auth_outage');
    // The schema the service keeps its tables in (its app id), so that what is set up here is what it reads.
    const direct = new PgDatabase({ url: throwaway.url, schema: AppIds.auth });
    try {
      await migrateAuthDatabase(direct);
    } finally {
      await direct.close();
    }
    const target = new URL(throwaway.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const eventBus = new InMemoryEventBus({ source: AppIds.auth });
    const stateStore = new InMemoryStateStore();
    service = await startAuthService({
      // Small timeouts through the settings, so that the stalled case ends soon (defaults: 5000 ms and 1000 ms).
      config: {
        ...testConfig({ HOST: '127.0.0.1', DATABASE_URL: proxy.urlFor(throwaway.url), DATABASE_STATEMENT_TIMEOUT_MS: '300', DATABASE_ACQUIRE_TIMEOUT_MS: '300' }),
        PORT: 0,
      },
      logger: silentLogger,
      blocks: { stateStore, eventBus, close: async () => Promise.all([eventBus.close(), stateStore.close()]).then(() => undefined) },
      closeBlocksOnStop: true,
      metrics: createServiceMetrics(AppIds.auth, { collectProcessMetrics: false }),
    });
    expect((await call('POST', '/api/auth/register', account)).status).toBe(202);
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await service?.stop();
    await proxy?.close();
    await throwaway?.drop();
  });

  beforeEach(async () => {
    proxy.resume();
    await eventually(async () => (await login()).status === 200, 10_000, 100);
  });

  it('when PostgreSQL refuses connections, then logins answer 503 problem+json with Retry-After: 1 in under 1 s each, /readyz is 503 naming the database, /healthz 200, and within 10 s of its return logins succeed again', async () => {
    proxy.refuse();
    const answers: TimedAnswer[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) answers.push(await login());
    for (const answer of answers) {
      expectUnavailable(answer);
      expect(answer.ms).toBeLessThan(1000);
    }
    await expectNotReadyNamingTheDatabase();

    proxy.resume();
    await expectRecoveryWithin10s();
  });

  it('when PostgreSQL stalls (no answer, no reset), then the first logins end within the timeouts, each one after the breaker opened answers in under 1 s, and logins succeed again once it answers', async () => {
    proxy.pause();
    const answers: TimedAnswer[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) answers.push(await login());
    for (const answer of answers) expectUnavailable(answer);
    for (const answer of answers.slice(0, 3)) expect(answer.ms).toBeLessThan(2000);
    for (const answer of answers.slice(3)) expect(answer.ms).toBeLessThan(1000);
    await expectNotReadyNamingTheDatabase();

    proxy.resume();
    await expectRecoveryWithin10s();
  });
});
