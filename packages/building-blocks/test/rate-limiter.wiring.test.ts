// How a service gets its rate limiter from its building-block settings (@shop/service-runtime wires the adapters of
// this package; the test sits with the limiter's other suites).
import { ConfigError, loadConfig, serviceBaseConfigSchema, withConfigRules } from '@shop/platform';
import { appApiTokenSetting, buildingBlocksConfigSchema, buildingBlocksRules, createBuildingBlocks, createEmbeddedBuildingBlocks, rateLimiterRules, type BuildingBlocksConfig } from '@shop/service-runtime';
import { describeWithBackend, uniqueTestTag } from '@shop/testing';
import { createClient } from 'redis';
import { InMemoryRateLimiter, RedisRateLimiter } from '../src';
import { deleteRedisKeysWithPrefix } from './redis-cleanup';

const token = 'a-random-token-of-32-characters!';

/** A service's config schema with the limiter's rule, as catalog's applies it. */
const schema = serviceBaseConfigSchema
  .extend(buildingBlocksConfigSchema.shape)
  .extend({ APP_API_TOKEN: appApiTokenSetting('guards the internal routes') })
  .apply(withConfigRules([...buildingBlocksRules, ...rateLimiterRules]));

/** The settings of `environment`, with an app API token (the building-block rules want one outside memory). */
const settingsOf = (environment: Record<string, string>): BuildingBlocksConfig => loadConfig(buildingBlocksConfigSchema, { APP_API_TOKEN: token, ...environment });

/** The problems a refused configuration names, or [] when it loads. */
function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(schema, { APP_API_TOKEN: token, ...environment });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('the rate limiter of the building blocks', () => {
  it('when a service runs embedded, then its building blocks carry an in-memory limiter of their own', async () => {
    const blocks = createEmbeddedBuildingBlocks({ appId: 'catalog', serviceUrls: {} });
    const memory = await createBuildingBlocks(settingsOf({ BUILDING_BLOCKS: 'memory' }), { appId: 'catalog' });
    try {
      expect(blocks.rateLimiter).toBeInstanceOf(InMemoryRateLimiter);
      expect(memory.rateLimiter).toBeInstanceOf(InMemoryRateLimiter);
      expect(await blocks.rateLimiter.consume('key-1', 1, 60_000)).toMatchObject({ allowed: true });
      expect(await blocks.rateLimiter.consume('key-1', 1, 60_000)).toMatchObject({ allowed: false });
      expect(await memory.rateLimiter.consume('key-1', 1, 60_000)).toMatchObject({ allowed: true });
    } finally {
      await blocks.close();
      await memory.close();
    }
  });

  it('when a service that rate-limits runs on Dapr without RATE_LIMIT_REDIS_URL, then its config is refused, and reading the limiter throws', async () => {
    expect(problemsOf({ BUILDING_BLOCKS: 'dapr' })).toEqual([expect.stringMatching(/^RATE_LIMIT_REDIS_URL: is required with BUILDING_BLOCKS=dapr/)]);
    expect(problemsOf({ BUILDING_BLOCKS: 'dapr', RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([]);
    // Redis and memory need no setting of their own.
    expect(problemsOf({ BUILDING_BLOCKS: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([]);
    expect(problemsOf({})).toEqual([]);

    const blocks = await createBuildingBlocks(settingsOf({ BUILDING_BLOCKS: 'dapr' }), { appId: 'auth' });
    try {
      expect(() => blocks.rateLimiter).toThrow(/RATE_LIMIT_REDIS_URL/);
    } finally {
      // A service that never rate-limits closes without the setting.
      await blocks.close();
    }
  });

  it('when a service runs on Dapr with RATE_LIMIT_REDIS_URL, then its limiter is the Redis one', async () => {
    const blocks = await createBuildingBlocks(settingsOf({ BUILDING_BLOCKS: 'dapr', RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379' }), { appId: 'catalog' });
    try {
      expect(blocks.rateLimiter).toBeInstanceOf(RedisRateLimiter);
    } finally {
      await blocks.close();
    }
  });
});

describeWithBackend('redis', 'the rate limiter of Redis building blocks', (url) => {
  it('when two replicas run on Redis building blocks, then they share one window under <prefix>:ratelimit:, and close releases the limiter', async () => {
    const prefix = uniqueTestTag('wiring');
    const replicas = await Promise.all([0, 1].map(() => createBuildingBlocks(settingsOf({ BUILDING_BLOCKS: 'redis', REDIS_URL: url, REDIS_KEY_PREFIX: prefix }), { appId: 'catalog' })));
    const client = createClient({ url });
    await client.connect();
    try {
      expect(replicas[0].rateLimiter).toBeInstanceOf(RedisRateLimiter);
      const decisions = await Promise.all(Array.from({ length: 10 }, (_, i) => replicas[i % 2].rateLimiter.consume('key-1', 6, 60_000)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
      expect(await client.zCard(`${prefix}:ratelimit:window:{key-1}:60000`)).toBe(6);
    } finally {
      await Promise.all(replicas.map((blocks) => blocks.close()));
      await client.close();
      await deleteRedisKeysWithPrefix(url, `${prefix}:`);
    }
    await expect(replicas[0].rateLimiter.consume('key-1', 6, 60_000)).rejects.toMatchObject({ type: 'unavailable' });
  });
});
