import { InMemoryEventBus, type CloudEvent, type EventBus } from '@shop/building-blocks';
import { AuditActions, EventTypes, Topics, auditEntriesRecordedDataSchema, type AuditEntry } from '@shop/contracts';
import { silentLogger } from '@shop/kernel';
import { BufferedAuditRecorder, auditRecorderFor } from '../src/buffered-audit-recorder';
import { ServiceResources } from '../src/service-startup';

// Only the recorder's interval is faked: the in-memory bus delivers on setImmediate, which must keep running.
const fakeIntervalOnly: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout'],
};

describe('BufferedAuditRecorder', () => {
  let bus: InMemoryEventBus;
  let received: CloudEvent[];
  const recorders: BufferedAuditRecorder[] = [];

  const recorder = (options: Partial<ConstructorParameters<typeof BufferedAuditRecorder>[0]> = {}) => {
    const created = new BufferedAuditRecorder({ service: 'catalog', eventBus: bus, logger: silentLogger, ...options });
    recorders.push(created);
    return created;
  };
  const entriesReceived = (): AuditEntry[] => received.flatMap((event) => auditEntriesRecordedDataSchema.parse(event.data).entries);
  const productUpdate = (id: string) => ({ actor: { type: 'user' as const, id: 'admin-1' }, action: AuditActions.productUpdated, subject: { type: 'product', id } });

  beforeEach(async () => {
    received = [];
    bus = new InMemoryEventBus({ source: 'catalog' });
    bus.subscribe(Topics.audit, async (event) => {
      received.push(event);
      return 'SUCCESS';
    }, { group: 'auth' });
    await bus.start();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await Promise.all(recorders.splice(0).map((r) => r.close()));
    await bus.close();
  });

  it('when entries are recorded, then within a second they are published as one audit.entries_recorded batch with id, time and service filled in', async () => {
    jest.useFakeTimers(fakeIntervalOnly);
    const audit = recorder({ now: () => new Date('2025-03-04T05:06:07.000Z') });
    audit.record(productUpdate('p1'));
    audit.record({ ...productUpdate('p2'), details: { changes: ['price'] } });
    expect(audit.pending).toBe(2);
    await bus.whenIdle();
    expect(received).toHaveLength(0);

    jest.advanceTimersByTime(1000);
    await audit.flush();
    await bus.whenIdle();

    expect(received).toHaveLength(1);
    expect(received[0].type).toBe(EventTypes.auditEntriesRecorded);
    expect(received[0].topic).toBe(Topics.audit);
    const entries = entriesReceived();
    expect(entries.map((e) => e.subject?.id)).toEqual(['p1', 'p2']);
    expect(entries[0]).toMatchObject({ at: '2025-03-04T05:06:07.000Z', service: 'catalog', actor: { type: 'user', id: 'admin-1' }, action: 'product.updated', details: {} });
    expect(entries[1].details).toEqual({ changes: ['price'] });
    expect(new Set(entries.map((e) => e.id)).size).toBe(2);
    expect(audit.pending).toBe(0);
  });

  it('when a batch fills up, then it is published without waiting for the timer, in batches of maxBatch', async () => {
    const audit = recorder({ maxBatch: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 7; i++) audit.record(productUpdate(`p${i}`));
    await audit.flush();
    await bus.whenIdle();
    // The first full batch started a flush long before the timer; it goes on while entries remain, maxBatch at a time.
    expect(received.map((event) => auditEntriesRecordedDataSchema.parse(event.data).entries.length)).toEqual([3, 3, 1]);
    expect(entriesReceived().map((e) => e.subject?.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('when the recorder closes, then what is left is published before close resolves', async () => {
    const audit = recorder({ flushIntervalMs: 60_000 });
    audit.record(productUpdate('p1'));
    await audit.close();
    await bus.whenIdle();
    expect(entriesReceived().map((e) => e.subject?.id)).toEqual(['p1']);
  });

  it('when a publish fails, then the entries are kept and published at the next tick, in order, once', async () => {
    jest.useFakeTimers(fakeIntervalOnly);
    let failures = 1;
    const flaky: EventBus = {
      ...bus,
      publish: (topic, event) => (failures-- > 0 ? Promise.reject(new Error('broker unavailable')) : bus.publish(topic, event)),
      subscribe: bus.subscribe.bind(bus),
      start: bus.start.bind(bus),
      close: bus.close.bind(bus),
    };
    const audit = recorder({ eventBus: flaky });
    audit.record(productUpdate('p1'));
    jest.advanceTimersByTime(1000);
    await audit.flush();
    expect(audit.pending).toBe(1);
    audit.record(productUpdate('p2'));

    jest.advanceTimersByTime(1000);
    await audit.flush();
    await bus.whenIdle();
    expect(entriesReceived().map((e) => e.subject?.id)).toEqual(['p1', 'p2']);
    expect(audit.pending).toBe(0);
  });

  it('when the bus keeps refusing past maxBuffered, then the oldest entries are dropped and record still never throws', async () => {
    const down: EventBus = { publish: () => Promise.reject(new Error('down')), subscribe: () => undefined, start: async () => undefined, close: async () => undefined };
    const audit = recorder({ eventBus: down, maxBuffered: 5, maxBatch: 100 });
    for (let i = 0; i < 8; i++) expect(() => audit.record(productUpdate(`p${i}`))).not.toThrow();
    expect(audit.pending).toBe(5);
    // Even an entry that cannot be serialised (an invalid date) does not reach the caller as an error.
    expect(() => audit.record({ ...productUpdate('bad'), at: new Date('not a date') })).not.toThrow();
    expect(() => audit.record(undefined as never)).not.toThrow();
    await expect(audit.close()).resolves.toBeUndefined();
  });

  it('when the recorder is registered after the building blocks, then stopping closes it first, so its last entries still reach the bus', async () => {
    const resources = new ServiceResources();
    resources.add('building blocks', () => bus.close());
    const audit = auditRecorderFor('order', { eventBus: bus }, silentLogger, resources, { flushIntervalMs: 60_000 });
    audit.record({ actor: { type: 'user', id: 'admin-1' }, action: AuditActions.orderStatusChanged, subject: { type: 'order', id: 'o1' } });
    // As listen() does on stop: last-first.
    for (const resource of resources.all.reverse()) {
      if (resource.name === 'building blocks') await bus.whenIdle();
      await resource.close();
    }
    expect(entriesReceived().map((e) => [e.service, e.subject?.id])).toEqual([['order', 'o1']]);
  });
});
