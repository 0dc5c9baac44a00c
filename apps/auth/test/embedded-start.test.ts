import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { InMemoryEventBus, InMemoryStateStore } from '@shop/building-blocks';
import { AppIds } from '@shop/contracts';
import { createServiceMetrics } from '@shop/platform';
import { startAuthService } from '../src/composition';
import { newAccount, silentLogger, testConfig } from './auth-test-kit';

describe('auth service in the embedded default (no DATABASE_URL)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'auth-embedded-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (overrides: Record<string, string> = {}) => {
    const eventBus = new InMemoryEventBus({ source: AppIds.auth });
    const stateStore = new InMemoryStateStore();
    return startAuthService({
      config: { ...testConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', ...overrides }), PORT: 0 },
      logger: silentLogger,
      blocks: { stateStore, eventBus, close: async () => Promise.all([eventBus.close(), stateStore.close()]).then(() => undefined) },
      closeBlocksOnStop: true,
      metrics: createServiceMetrics(AppIds.auth, { collectProcessMetrics: false }),
    });
  };

  it('when started twice on the same DATA_DIR with a generated key, then accounts survive the restart and old access tokens do not', async () => {
    const account = newAccount('embedded');
    const first = await start();
    await request(first.url).post('/api/auth/register').send(account).expect(202);
    const { accessToken } = (await request(first.url).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200)).body;
    await first.stop();

    const second = await start();
    try {
      await request(second.url).get('/readyz').expect(200);
      await request(second.url).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200);
      // A generated key is per process: tokens of the previous run no longer verify (why production requires AUTH_SIGNING_KEYS).
      await request(second.url).get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`).expect(401);
    } finally {
      await second.stop();
    }
  });

  it('when NODE_ENV=production has no signing keys, then the service refuses to start', async () => {
    const config = { ...testConfig({ DATA_DIR: dataDir }), NODE_ENV: 'production' as const, PORT: 0 };
    await expect(
      startAuthService({ config, logger: silentLogger, blocks: { stateStore: new InMemoryStateStore(), eventBus: new InMemoryEventBus({ source: 'auth' }) } }),
    ).rejects.toThrow(/AUTH_SIGNING_KEYS is required when NODE_ENV=production/);
  });
});
