import { InMemoryEventBus, type CloudEvent, type EventBus } from '@shop/building-blocks';
import { createLogger } from '@shop/platform';
import { PgliteDatabase, openThrowawayPgDatabase, type Database } from '@shop/postgres';
import { describeEachDatabase, eventually } from '@shop/testing';
import { OutboxRelay, claimInboxEvent, enqueueEvent, migrateOutbox } from '@shop/outbox';

const logger = createLogger({ service: 'outbox-test', level: 'silent' });

/** Collects what a bus delivers to one subscriber group. */
async function recordingBus(topic: string): Promise<{ bus: InMemoryEventBus; received: CloudEvent[] }> {
  const bus = new InMemoryEventBus({ source: 'test' });
  const received: CloudEvent[] = [];
  bus.subscribe(topic, async (event) => {
    received.push(event);
    return 'SUCCESS';
  }, { group: 'recorder' });
  await bus.start();
  return { bus, received };
}

async function countOutbox(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM outbox_events');
  return rows[0].n;
}

describeEachDatabase<Database>(
  'outbox',
  {
    pglite: async () => {
      const db = await PgliteDatabase.open();
      await migrateOutbox(db);
      return { db, close: () => db.close() };
    },
    postgres: async (url) => {
      const handle = await openThrowawayPgDatabase(url, 'outbox');
      await migrateOutbox(handle.db);
      return handle;
    },
  },
  (getDb, kind) => {
    beforeEach(async () => {
      await getDb().query('DELETE FROM outbox_events');
      await getDb().query('DELETE FROM inbox_events');
    });

    it('when the transaction commits, then its events are published in order with their ids and removed from the outbox', async () => {
      const { bus, received } = await recordingBus('things');
      const relay = new OutboxRelay({ db: getDb(), eventBus: bus, logger });
      const ids = await getDb().transaction(async (tx) => [
        await enqueueEvent(tx, 'things', { type: 'thing.created', subject: 'a', data: { n: 1 } }),
        await enqueueEvent(tx, 'things', { type: 'thing.updated', subject: 'a', data: { n: 2 } }),
      ]);
      expect(await relay.relayOnce()).toBe(2);
      await bus.whenIdle();
      expect(received.map((e) => [e.id, e.type, e.subject, e.data])).toEqual([
        [ids[0], 'thing.created', 'a', { n: 1 }],
        [ids[1], 'thing.updated', 'a', { n: 2 }],
      ]);
      expect(await countOutbox(getDb())).toBe(0);
      await bus.close();
    });

    it('when the transaction rolls back, then its events never leave', async () => {
      const { bus, received } = await recordingBus('things');
      const relay = new OutboxRelay({ db: getDb(), eventBus: bus, logger });
      await expect(
        getDb().transaction(async (tx) => {
          await enqueueEvent(tx, 'things', { type: 'thing.created', subject: 'b', data: {} });
          throw new Error('the state change failed');
        }),
      ).rejects.toThrow('the state change failed');
      expect(await relay.relayOnce()).toBe(0);
      await bus.whenIdle();
      expect(received).toEqual([]);
      await bus.close();
    });

    it('when the bus refuses an event, then the relay stops there, keeps it and later events, and delivers all in order once the bus recovers', async () => {
      const { bus, received } = await recordingBus('things');
      let failNext = true;
      const flakyBus: EventBus = {
        publish: async (topic, event) => {
          if (failNext) {
            failNext = false;
            throw new Error('broker unavailable');
          }
          return bus.publish(topic, event);
        },
        subscribe: bus.subscribe.bind(bus),
        start: bus.start.bind(bus),
        close: bus.close.bind(bus),
      };
      const relay = new OutboxRelay({ db: getDb(), eventBus: flakyBus, logger });
      await getDb().transaction(async (tx) => {
        for (const n of [1, 2, 3]) await enqueueEvent(tx, 'things', { type: 'thing.updated', subject: 'c', data: { n } });
      });
      expect(await relay.relayOnce()).toBe(0);
      expect(await countOutbox(getDb())).toBe(3);
      const { rows } = await getDb().query<{ attempts: number }>('SELECT attempts FROM outbox_events ORDER BY seq LIMIT 1');
      expect(rows[0].attempts).toBe(1);
      expect(await relay.relayOnce()).toBe(3);
      await bus.whenIdle();
      expect(received.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
      await bus.close();
    });

    it('when started and nudged, then the relay publishes without being asked again', async () => {
      const { bus, received } = await recordingBus('things');
      const relay = new OutboxRelay({ db: getDb(), eventBus: bus, logger, pollIntervalMs: 10_000 });
      relay.start();
      await getDb().transaction((tx) => enqueueEvent(tx, 'things', { type: 'thing.created', subject: 'd', data: {} }));
      relay.nudge();
      await eventually(() => received.length > 0);
      expect(received).toHaveLength(1);
      await relay.stop();
      await bus.close();
    });

    it('when an event id is claimed twice by one consumer, then only the first claim wins, and another consumer has its own claim', async () => {
      const first = await getDb().transaction((tx) => claimInboxEvent(tx, 'cart', 'event-1'));
      const second = await getDb().transaction((tx) => claimInboxEvent(tx, 'cart', 'event-1'));
      const otherConsumer = await getDb().transaction((tx) => claimInboxEvent(tx, 'order', 'event-1'));
      expect([first, second, otherConsumer]).toEqual([true, false, true]);
    });

    if (kind === 'postgres') {
      it('when two relays run against one database at once, then every event is published exactly once and in order', async () => {
        const { bus, received } = await recordingBus('things');
        const relays = [new OutboxRelay({ db: getDb(), eventBus: bus, logger, batchSize: 7 }), new OutboxRelay({ db: getDb(), eventBus: bus, logger, batchSize: 7 })];
        await getDb().transaction(async (tx) => {
          for (let n = 0; n < 60; n += 1) await enqueueEvent(tx, 'things', { type: 'thing.updated', subject: 'e', data: { n } });
        });
        while ((await countOutbox(getDb())) > 0) await Promise.all(relays.map((relay) => relay.relayOnce()));
        await bus.whenIdle();
        expect(received.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 60 }, (_, n) => n));
        await bus.close();
      });

      it('when 20 parallel transactions claim one event id, then exactly one succeeds', async () => {
        const claims = await Promise.all(Array.from({ length: 20 }, () => getDb().transaction((tx) => claimInboxEvent(tx, 'catalog', 'event-x'))));
        expect(claims.filter(Boolean)).toHaveLength(1);
      });
    }
  },
);
