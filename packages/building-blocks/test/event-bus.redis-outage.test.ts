import { describeWithBackend, eventually, startTcpProxy, uniqueTestTag, type TcpProxy } from '@shop/testing';
import { RedisStreamsEventBus, type CloudEvent } from '../src';
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

const pausedWarning = 'redis stream consumer paused: Redis is not answering; retrying with backoff';
const stillPaused = 'redis stream consumer still paused';

describeWithBackend('redis', 'RedisStreamsEventBus while Redis is out', (redisUrl) => {
  let streamPrefix: string;
  let proxy: TcpProxy;
  let log: RecordingLogger;
  let publisher: RedisStreamsEventBus;
  let consumer: RedisStreamsEventBus;

  beforeEach(async () => {
    streamPrefix = `${uniqueTestTag('outage-events')}:`;
    const target = new URL(redisUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    log = recordingLogger();
    // The publisher reaches Redis past the proxy: other services, still publishing while this consumer is cut off.
    publisher = new RedisStreamsEventBus({ url: redisUrl, source: 'catalog', streamPrefix, blockMs: 100 });
    consumer = new RedisStreamsEventBus({ url: proxy.urlFor(redisUrl), source: 'cart', streamPrefix, blockMs: 100, logger: log.logger });
  });

  afterEach(async () => {
    proxy.resume();
    await consumer.close();
    await publisher.close();
    await proxy.close();
    await deleteRedisKeysWithPrefix(redisUrl, streamPrefix);
  });

  // A publish that timed out on a stalled connection may still land once Redis answers (the outbox then sends it
  // again with the same id, which consumers deduplicate); one refused by a stopped Redis never left the process.
  const outages = [
    { kind: 'stalls', begin: (p: TcpProxy) => p.pause(), failedPublishMayLand: true },
    { kind: 'is stopped', begin: (p: TcpProxy) => p.refuse(), failedPublishMayLand: false },
  ];

  it.each(outages)(
    'when Redis $kind just as a handler fails, then the consumer pauses with one warning and backs off, publishing fails at once, and once Redis is back every unacknowledged event is delivered',
    async ({ begin, failedPublishMayLand }) => {
      const delivered: string[] = [];
      let outageBeganAt = 0;
      consumer.subscribe<{ name: string }>(
        'orders',
        async (event: CloudEvent<{ name: string }>) => {
          delivered.push(event.data.name);
          if (event.data.name === 'failing' && outageBeganAt === 0) {
            // Published before the outage and not read yet: it must not be lost either.
            await publisher.publish('orders', { type: 'test.happened', data: { name: 'queued' } });
            begin(proxy);
            outageBeganAt = Date.now();
            throw new Error('the handler failed just as Redis went away');
          }
          return 'SUCCESS';
        },
        { group: 'cart', maxAttempts: 5, initialBackoffMs: 50 },
      );
      await consumer.start();
      await publisher.publish('orders', { type: 'test.happened', data: { name: 'before' } });
      await eventually(() => delivered.includes('before'));
      await publisher.publish('orders', { type: 'test.happened', data: { name: 'failing' } });
      await eventually(() => outageBeganAt > 0);
      await publisher.publish('orders', { type: 'test.happened', data: { name: 'during' } });

      // Publishing through the cut-off connection fails at once, so an outbox relay keeps the row and retries.
      const publishFailure = await timedFailure(() => consumer.publish('orders', { type: 'test.happened', data: { name: 'lost?' } }));
      expect(publishFailure.error).toMatchObject({ type: 'unavailable', retryAfterSeconds: 1, detail: 'The event bus is unavailable; try again shortly' });
      expect(publishFailure.ms).toBeLessThan(1000);

      // Paused: three retries that back off (100, 200, 400 ms...), one warning for the whole outage, no crash.
      await eventually(() => log.debug.filter((message) => message === stillPaused).length >= 3, 10_000);
      const attempts = log.debug.filter((message) => message === stillPaused).length + 1;
      expect(attempts).toBeLessThanOrEqual(Math.ceil((Date.now() - outageBeganAt) / 100) + 1);
      expect(log.warn.filter((message) => message === pausedWarning)).toHaveLength(1);
      expect(delivered.filter((name) => name !== 'before' && name !== 'failing')).toEqual([]);

      proxy.resume();
      const resumedAt = Date.now();
      await eventually(() => delivered.filter((name) => name === 'failing').length === 2 && delivered.includes('queued') && delivered.includes('during'), 10_000);
      expect(Date.now() - resumedAt).toBeLessThan(10_000);
      expect(delivered.filter((name) => name === 'before')).toHaveLength(1);
      expect(delivered.filter((name) => name === 'lost?').length).toBeLessThanOrEqual(failedPublishMayLand ? 1 : 0);
      expect(log.info).toContain('redis stream consumer resumed');
    },
    30_000,
  );

  it('when the bus is closed while Redis stalls, then close still returns within a few seconds', async () => {
    consumer.subscribe('orders', async () => 'SUCCESS', { group: 'cart' });
    await consumer.start();
    proxy.pause();
    const started = Date.now();
    await consumer.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
