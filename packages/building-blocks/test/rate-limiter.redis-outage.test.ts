import { BrokenCircuitError } from 'cockatiel';
import { AppError } from '@shop/kernel';
import { describeWithBackend, eventually, startTcpProxy, uniqueTestTag, type TcpProxy } from '@shop/testing';
import { RedisRateLimiter } from '../src';
import { recordingLogger, type RecordingLogger } from './recording-logger';
import { deleteRedisKeysWithPrefix } from './redis-cleanup';

/** What a call failed with; a success fails the test. */
async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded while Redis was out');
}

const unavailable = { type: 'unavailable', retryAfterSeconds: 1, detail: 'The rate limiter is unavailable; try again shortly' };

describeWithBackend('redis', 'RedisRateLimiter while Redis is out', (redisUrl) => {
  let keyPrefix: string;
  let proxy: TcpProxy;
  let log: RecordingLogger;
  let limiter: RedisRateLimiter;
  // Straight to Redis, past the proxy: what Redis really holds.
  let direct: RedisRateLimiter;

  beforeEach(async () => {
    keyPrefix = `${uniqueTestTag('ratelimit-outage')}:`;
    const target = new URL(redisUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    log = recordingLogger();
    limiter = new RedisRateLimiter({ url: proxy.urlFor(redisUrl), keyPrefix, commandTimeoutMs: 400, logger: log.logger, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1000 } });
    direct = new RedisRateLimiter({ url: redisUrl, keyPrefix });
  });

  afterEach(async () => {
    proxy.resume();
    await limiter.close();
    await proxy.close();
    await direct.close();
    await deleteRedisKeysWithPrefix(redisUrl, keyPrefix);
  });

  it('when Redis stalls, then consume fails as unavailable while Redis still stalls (timeouts first, then the open breaker without calling), and counts again once Redis answers', async () => {
    expect(await limiter.consume('key-1', 10, 60_000)).toMatchObject({ allowed: true, remaining: 9 });
    proxy.pause();
    // Every failure arrives while the proxy still holds Redis's answers: nothing waits for Redis to come back.
    const failures = [];
    for (let call = 0; call < 6; call += 1) failures.push(await failureOf(() => limiter.consume('key-1', 10, 60_000)));
    for (const error of failures) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject(unavailable);
    }
    const causes = failures.map((error) => (error as AppError).cause);
    expect(causes.slice(0, 3).map((cause) => (cause as Error).name)).toEqual(['RedisCommandTimeoutError', 'RedisCommandTimeoutError', 'RedisCommandTimeoutError']);
    for (const cause of causes.slice(3)) expect(cause).toBeInstanceOf(BrokenCircuitError);
    expect(log.warn).toEqual(['The rate limiter is unavailable; failing calls fast until it recovers']);

    proxy.resume();
    const decision = await eventually(() => limiter.consume('key-1', 10, 60_000).catch(() => undefined), 10_000);
    expect(decision.allowed).toBe(true);
    expect(log.info).toContain('The rate limiter recovered');
    // The window survived the outage in Redis: the request before it still counts.
    expect((await direct.usageToday('key-1')).accepted).toBeGreaterThanOrEqual(2);
  });

  it('when Redis is stopped (connections refused), then consume and usageToday fail as unavailable at once, and work again once Redis is back', async () => {
    expect(await limiter.consume('key-1', 5, 60_000)).toMatchObject({ allowed: true });
    proxy.refuse();
    for (let call = 0; call < 5; call += 1) expect(await failureOf(() => limiter.consume('key-1', 5, 60_000))).toMatchObject(unavailable);
    expect(await failureOf(() => limiter.usageToday('key-1'))).toMatchObject(unavailable);
    // A refused connection cannot have carried a consume: Redis counted only the first request.
    expect(await direct.usageToday('key-1')).toMatchObject({ accepted: 1, rejected: 0 });

    proxy.resume();
    const decision = await eventually(() => limiter.consume('key-1', 5, 60_000).catch(() => undefined), 10_000);
    expect(decision).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('when Redis refuses connections from the start, then the first call fails as unavailable, not with a hang', async () => {
    proxy.refuse();
    const fresh = new RedisRateLimiter({ url: proxy.urlFor(redisUrl), keyPrefix });
    try {
      expect(await failureOf(() => fresh.consume('key-1', 5, 60_000))).toMatchObject(unavailable);
    } finally {
      await fresh.close();
    }
  });
});
