import { InMemoryEventBus, type CloudEvent, type EventBus } from '@shop/building-blocks';
import { silentLogger, type Logger } from '@shop/kernel';
import { PgDatabase, PgliteDatabase, createThrowawayDatabase, databaseUnavailable, type Database, type SqlExecutor, type ThrowawayDatabase } from '@shop/postgres';
import { describeWithBackend, eventually, startTcpProxy, type TcpProxy } from '@shop/testing';
import { OutboxRelay, enqueueEvent, migrateOutbox } from '@shop/outbox';

/** A logger that keeps the messages of warnings and infos. */
function recordingLogger(): { logger: Logger; warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (_details, message) => void warnings.push(message),
    info: (_details, message) => void infos.push(message),
    child: () => logger,
  };
  return { logger, warnings, infos };
}

/** Collects what a bus delivers to one subscriber group. */
async function recordingBus(topic: string): Promise<{ bus: InMemoryEventBus; received: CloudEvent[] }> {
  const bus = new InMemoryEventBus({ source: 'test' });
  const received: CloudEvent[] = [];
  bus.subscribe(
    topic,
    async (event) => {
      received.push(event);
      return 'SUCCESS';
    },
    { group: 'recorder' },
  );
  await bus.start();
  return { bus, received };
}

/** A database that can be switched off (every call fails as a lost PostgreSQL does) and counts the relay's rounds. */
class SwitchableDatabase implements Database {
  readonly kind = 'pglite' as const;
  down = false;
  readonly transactionsAt: number[] = [];

  constructor(private readonly inner: Database) {}

  private guard(): void {
    if (this.down) throw databaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  }

  async query<R>(sql: string, params?: unknown[]) {
    this.guard();
    return this.inner.query<R>(sql, params);
  }

  async readQuery<R>(sql: string, params?: unknown[]) {
    this.guard();
    return this.inner.readQuery<R>(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.transactionsAt.push(Date.now());
    this.guard();
    return this.inner.transaction(work);
  }

  async exec(script: string): Promise<void> {
    this.guard();
    await this.inner.exec(script);
  }

  async ping(): Promise<void> {
    this.guard();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

async function enqueueNumbered(db: Database, numbers: number[]): Promise<string[]> {
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const n of numbers) ids.push(await enqueueEvent(tx, 'things', { type: 'thing.updated', subject: 'outage', data: { n } }));
    return ids;
  });
}

describe('outbox relay while the database or the bus fails (PGlite)', () => {
  let inner: PgliteDatabase;
  let db: SwitchableDatabase;

  beforeAll(async () => {
    inner = await PgliteDatabase.open();
    await migrateOutbox(inner);
    db = new SwitchableDatabase(inner);
  });
  afterAll(() => inner?.close());
  beforeEach(async () => {
    db.down = false;
    db.transactionsAt.length = 0;
    await inner.query('DELETE FROM outbox_events');
  });

  it('when the database is down, then the relay retries with a wait that doubles up to its bound, logs one warning, and publishes everything once it is back', async () => {
    const { bus, received } = await recordingBus('things');
    const log = recordingLogger();
    const relay = new OutboxRelay({ db, eventBus: bus, logger: log.logger, pollIntervalMs: 50, maxRetryDelayMs: 400 });
    const ids = await enqueueNumbered(inner, [1, 2, 3]);
    db.down = true;
    relay.start();
    // Rounds at 0, 50, 100, 200, 400, 400...: seven of them take about 1.5 s.
    await eventually(() => db.transactionsAt.length >= 7, 10_000);
    relay.nudge();
    const gaps = db.transactionsAt.slice(1).map((at, index) => at - db.transactionsAt[index]);
    expect(gaps.slice(0, 4).every((gap, index) => gap >= [50, 100, 200, 400][index] - 15)).toBe(true);
    expect(Math.max(...gaps)).toBeLessThan(1000);
    expect(log.warnings).toEqual(['outbox relay paused: the database or the event bus is unavailable; retrying until it answers']);

    db.down = false;
    await eventually(() => received.length >= 3, 5000);
    await bus.whenIdle();
    expect(received.map((event) => event.id)).toEqual(ids);
    expect(log.infos).toEqual(['outbox relay resumed']);
    await relay.stop();
    await bus.close();
  });

  it('when the bus refuses, then the relay keeps the events, does not retry on every nudge, and delivers them in order once the bus is back', async () => {
    const { bus, received } = await recordingBus('things');
    let busDown = true;
    let publishAttempts = 0;
    const flakyBus: EventBus = {
      publish: async (topic, event) => {
        publishAttempts += 1;
        if (busDown) throw new Error('broker unavailable');
        return bus.publish(topic, event);
      },
      subscribe: bus.subscribe.bind(bus),
      start: bus.start.bind(bus),
      close: bus.close.bind(bus),
    };
    const log = recordingLogger();
    const relay = new OutboxRelay({ db, eventBus: flakyBus, logger: log.logger, pollIntervalMs: 100, maxRetryDelayMs: 400 });
    const ids = await enqueueNumbered(inner, [1, 2, 3, 4]);
    relay.start();
    await eventually(() => relay.retrying);
    const attemptsBeforeNudges = publishAttempts;
    for (let nudge = 0; nudge < 20; nudge += 1) relay.nudge();
    // Twenty nudges while it waits out the failure: at most the one round the wait was due for anyway.
    await eventually(() => publishAttempts > attemptsBeforeNudges, 2000);
    expect(publishAttempts - attemptsBeforeNudges).toBeLessThanOrEqual(1);
    expect(log.warnings).toEqual(['outbox relay paused: the database or the event bus is unavailable; retrying until it answers']);

    busDown = false;
    await eventually(() => received.length >= 4, 5000);
    await bus.whenIdle();
    expect(received.map((event) => event.id)).toEqual(ids);
    expect(await relay.relayOnce()).toBe(0);
    expect(received).toHaveLength(4);
    await relay.stop();
    await bus.close();
  });
});

describeWithBackend('postgres', 'outbox relay while PostgreSQL is down', (serverUrl) => {
  let throwaway: ThrowawayDatabase;
  let direct: PgDatabase;
  let proxy: TcpProxy;
  let proxied: PgDatabase;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(serverUrl, 'outbox_outage');
    direct = new PgDatabase({ url: throwaway.url });
    await migrateOutbox(direct);
    const target = new URL(throwaway.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    proxied = new PgDatabase({ url: proxy.urlFor(throwaway.url), statementTimeoutMs: 300, acquireTimeoutMs: 300, breaker: { halfOpenAfterMs: 500 } });
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await proxied?.close();
    await proxy?.close();
    await direct?.close();
    await throwaway?.drop();
  });

  it('when events are enqueued before and while the relay cannot reach the database, then all of them reach the bus exactly once and in order after it is back', async () => {
    const { bus, received } = await recordingBus('things');
    const log = recordingLogger();
    const relay = new OutboxRelay({ db: proxied, eventBus: bus, logger: log.logger, pollIntervalMs: 100 });
    const before = await enqueueNumbered(direct, [1, 2, 3]);
    proxy.refuse();
    relay.start();
    await eventually(() => log.warnings.length > 0, 5000);
    // Written meanwhile by a replica that still reaches the database.
    const during = await enqueueNumbered(direct, [4, 5, 6]);
    const acceptedAtOutage = proxy.connectionsAccepted;
    // The relay keeps trying (through the half-open breaker) without a warning per round.
    await eventually(() => proxy.connectionsAccepted >= acceptedAtOutage + 2, 10_000);
    expect(log.warnings).toHaveLength(1);
    expect(received).toEqual([]);

    proxy.resume();
    const resumedAt = Date.now();
    await eventually(() => received.length >= 6, 10_000);
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    await bus.whenIdle();
    expect(received.map((event) => event.id)).toEqual([...before, ...during]);
    expect((await direct.query<{ n: number }>('SELECT count(*) AS n FROM outbox_events')).rows[0].n).toBe(0);
    // Later rounds find nothing more to send: nothing goes out twice.
    await relay.relayOnce();
    await bus.whenIdle();
    expect(received).toHaveLength(6);
    expect(new Set(received.map((event) => event.id)).size).toBe(6);
    expect(log.infos).toContain('outbox relay resumed');
    await relay.stop();
    await bus.close();
  });
});
