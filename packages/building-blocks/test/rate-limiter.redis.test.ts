import { describeWithBackend, uniqueTestTag } from '@shop/testing';
import { createClient } from 'redis';
import { DEFAULT_RATE_LIMIT_KEY_PREFIX, RedisRateLimiter, type RedisClient } from '../src';
import { deleteRedisKeysWithPrefix } from './redis-cleanup';
import { describeRateLimiterContract } from './rate-limiter.contract';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeWithBackend('redis', 'RedisRateLimiter', (url) => {
  describeRateLimiterContract('RedisRateLimiter', async () => {
    const keyPrefix = `${uniqueTestTag('ratelimit')}:`;
    // A loaded test machine can take longer than the production timeouts to connect and to run 6100 scripts at once;
    // this is about correctness.
    const limiter = new RedisRateLimiter({ url, keyPrefix, commandTimeoutMs: 10_000, connectWaitMs: 10_000 });
    return {
      limiter,
      elapse: (ms) => sleep(ms),
      now: () => Date.now(),
      async cleanup() {
        await limiter.close();
        await deleteRedisKeysWithPrefix(url, keyPrefix);
      },
    };
  });

  describe('on a real Redis', () => {
    let client: RedisClient;
    let keyPrefix: string;

    beforeEach(async () => {
      client = createClient({ url });
      await client.connect();
      keyPrefix = `${uniqueTestTag('ratelimit')}:`;
    });

    afterEach(async () => {
      await client.close();
      await deleteRedisKeysWithPrefix(url, keyPrefix);
    });

    it('when two replicas limit one subject, then they share its window: 100 requests at once across both let exactly 60 through', async () => {
      const replicas = [new RedisRateLimiter({ url, keyPrefix, commandTimeoutMs: 10_000 }), new RedisRateLimiter({ url, keyPrefix, commandTimeoutMs: 10_000 })];
      try {
        const decisions = await Promise.all(Array.from({ length: 100 }, (_, i) => replicas[i % 2].consume('key-1', 60, 60_000)));
        expect(decisions.filter((d) => d.allowed)).toHaveLength(60);
        expect(await replicas[1].usageToday('key-1')).toMatchObject({ accepted: 60, rejected: 40 });
      } finally {
        await Promise.all(replicas.map((replica) => replica.close()));
      }
    });

    it('when a request is counted, then its window and its day are the documented keys, expiring with the window and after two days', async () => {
      const limiter = new RedisRateLimiter({ client, keyPrefix });
      const serverDay = async () => new Date(Number((await client.time())[0]) * 1000).toISOString().slice(0, 10);
      const dayBefore = await serverDay();
      await limiter.consume('key-1', 1, 60_000);
      await limiter.consume('key-1', 1, 60_000);
      const { day } = await limiter.usageToday('key-1');
      // The UTC day on Redis's clock (either side of a midnight the test might straddle).
      expect([dayBefore, await serverDay()]).toContain(day);

      const windowKey = `${keyPrefix}window:{key-1}:60000`;
      expect(await client.zCard(windowKey)).toBe(1);
      const windowTtl = await client.pTTL(windowKey);
      expect(windowTtl).toBeGreaterThan(0);
      expect(windowTtl).toBeLessThanOrEqual(60_000);

      const usageKey = `${keyPrefix}usage:{key-1}:${day}`;
      expect(await client.hGetAll(usageKey)).toEqual({ accepted: '1', rejected: '1' });
      const usageTtl = await client.ttl(usageKey);
      expect(usageTtl).toBeGreaterThan(0);
      expect(usageTtl).toBeLessThanOrEqual(2 * 24 * 60 * 60);
      await limiter.close();
    });

    it('when no prefix is given, then keys live under ratelimit:', async () => {
      const subject = uniqueTestTag('key');
      const limiter = new RedisRateLimiter({ client });
      try {
        await limiter.consume(subject, 1, 60_000);
        expect(DEFAULT_RATE_LIMIT_KEY_PREFIX).toBe('ratelimit:');
        expect(await client.exists(`ratelimit:window:{${subject}}:60000`)).toBe(1);
      } finally {
        await limiter.close();
        await deleteRedisKeysWithPrefix(url, `ratelimit:window:{${subject}}`);
        await deleteRedisKeysWithPrefix(url, `ratelimit:usage:{${subject}}`);
      }
    });

    it('when Redis has forgotten the scripts (a restart, SCRIPT FLUSH), then the limiter loads them again and keeps counting', async () => {
      const limiter = new RedisRateLimiter({ client, keyPrefix });
      expect(await limiter.consume('key-1', 2, 60_000)).toMatchObject({ allowed: true, remaining: 1 });
      await client.scriptFlush();
      expect(await limiter.consume('key-1', 2, 60_000)).toMatchObject({ allowed: true, remaining: 0 });
      await client.scriptFlush();
      expect(await limiter.usageToday('key-1')).toMatchObject({ accepted: 2, rejected: 0 });
      await limiter.close();
    });

    it('when the limiter shares a client, then close leaves that client open for its owner', async () => {
      const limiter = new RedisRateLimiter({ client, keyPrefix });
      await limiter.consume('key-1', 1, 60_000);
      await limiter.close();
      expect(client.isOpen).toBe(true);
      expect(await client.exists(`${keyPrefix}window:{key-1}:60000`)).toBe(1);
    });
  });
});
