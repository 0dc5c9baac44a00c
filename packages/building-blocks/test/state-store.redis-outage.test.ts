import { AppError } from '@shop/kernel';
import { describeWithBackend, eventually, startTcpProxy, uniqueTestTag, type TcpProxy } from '@shop/testing';
import { RedisStateStore } from '../src';
import { recordingLogger, type RecordingLogger } from './recording-logger';
import { deleteRedisKeysWithPrefix } from './redis-cleanup';

/** Runs `call` and answers how long it took to fail and what it failed with (a success fails the test). */
async function timedFailure(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await call();
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
  throw new Error('the call succeeded while Redis was out');
}

const unavailable = { type: 'unavailable', retryAfterSeconds: 1, detail: 'The state store is unavailable; try again shortly' };

describeWithBackend('redis', 'RedisStateStore while Redis is out', (redisUrl) => {
  // Longer than the production 250 ms, so a call that waited for the timeout and one the open breaker refused
  // (which takes no time) cannot be confused on a busy machine.
  const commandTimeoutMs = 400;
  let keyPrefix: string;
  let proxy: TcpProxy;
  let log: RecordingLogger;
  let store: RedisStateStore;
  // Straight to Redis, past the proxy: what Redis really holds.
  let direct: RedisStateStore;

  beforeEach(async () => {
    keyPrefix = `${uniqueTestTag('outage')}:`;
    const target = new URL(redisUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    log = recordingLogger();
    store = new RedisStateStore({ url: proxy.urlFor(redisUrl), keyPrefix, commandTimeoutMs, logger: log.logger, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1000 } });
    direct = new RedisStateStore({ url: redisUrl, keyPrefix });
  });

  afterEach(async () => {
    proxy.resume();
    await store.close();
    await proxy.close();
    await direct.close();
    await deleteRedisKeysWithPrefix(redisUrl, keyPrefix);
  });

  it('when Redis stalls, then calls fail as unavailable within the timeout, after 3 failures at once without waiting, and succeed again once Redis answers', async () => {
    await store.save('k', { n: 1 });
    proxy.pause();
    const failures = [];
    for (let call = 0; call < 10; call += 1) failures.push(await timedFailure(() => store.get('k')));
    for (const { error } of failures) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject(unavailable);
    }
    // The first three waited for their timeout; from then on the open breaker refused calls without reaching Redis.
    expect(failures.slice(0, 3).every(({ ms }) => ms >= commandTimeoutMs - 10 && ms < 1000)).toBe(true);
    expect(failures.slice(3).every(({ ms }) => ms < commandTimeoutMs)).toBe(true);
    expect(log.warn).toEqual(['The state store is unavailable; failing calls fast until it recovers']);

    proxy.resume();
    const resumedAt = Date.now();
    expect(await eventually(async () => (await store.get<{ n: number }>('k').catch(() => undefined))?.value, 10_000)).toEqual({ n: 1 });
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    expect(log.info).toContain('The state store recovered');
  });

  it('when a write times out on a stalled Redis, then it never lands afterwards, so a client may retry it safely', async () => {
    const firstEtag = await store.save('cart', { lines: 1 });
    proxy.pause();
    const { error } = await timedFailure(() => store.save('cart', { lines: 2 }, { etag: firstEtag }));
    expect(error).toMatchObject(unavailable);
    const deleteFailure = await timedFailure(() => store.delete('cart'));
    expect(deleteFailure.error).toMatchObject(unavailable);
    // Redis now receives the held save and delete, after their deadline: both scripts refuse to write. The read
    // behind them on the same connection answers only once they have run.
    proxy.resume();
    const afterwards = await store.get<{ lines: number }>('cart');
    expect(afterwards).toEqual({ key: 'cart', value: { lines: 1 }, etag: firstEtag });
    expect((await direct.get('cart'))?.value).toEqual({ lines: 1 });
    // The retry the client makes is an ordinary guarded write on the version it reads.
    await store.save('cart', { lines: 2 }, { etag: afterwards!.etag });
    expect((await direct.get('cart'))?.value).toEqual({ lines: 2 });
  });

  it('when Redis is stopped (connections refused), then calls fail as unavailable at once, reconnection attempts back off, and the store is back within seconds of Redis', async () => {
    await store.save('k', { n: 1 });
    proxy.refuse();
    const refusedAt = Date.now();
    const acceptedAtRefusal = proxy.connectionsAccepted;
    const failures = [];
    for (let call = 0; call < 10; call += 1) failures.push(await timedFailure(() => store.save('k', { n: 2 })));
    for (const { error, ms } of failures) {
      expect(error).toMatchObject(unavailable);
      expect(ms).toBeLessThan(1000);
    }
    // Reconnection attempts while refused: at most one per 50 ms at first, one per second later, never a busy loop.
    await eventually(() => proxy.connectionsAccepted - acceptedAtRefusal >= 4, 5000);
    const attempts = proxy.connectionsAccepted - acceptedAtRefusal;
    expect(attempts).toBeLessThanOrEqual(Math.ceil((Date.now() - refusedAt) / 50) + 1);
    expect(log.warn).toContain('redis connection lost; reconnecting');
    expect(log.warn.filter((message) => message === 'redis connection lost; reconnecting')).toHaveLength(1);

    proxy.resume();
    const resumedAt = Date.now();
    await eventually(async () => (await store.save('k', { n: 3 }).catch(() => undefined)) !== undefined, 10_000);
    const recoveryMs = Date.now() - resumedAt;
    expect(recoveryMs).toBeLessThan(10_000);
    expect((await direct.get('k'))?.value).toEqual({ n: 3 });
    expect(log.info).toContain('redis connection is back');
  });

  it('when Redis refuses connections from the start, then the first calls fail as unavailable within a second', async () => {
    proxy.refuse();
    const fresh = new RedisStateStore({ url: proxy.urlFor(redisUrl), keyPrefix });
    try {
      const { ms, error } = await timedFailure(() => fresh.get('k'));
      expect(error).toMatchObject(unavailable);
      expect(ms).toBeLessThan(1000);
    } finally {
      await fresh.close();
    }
  });
});
