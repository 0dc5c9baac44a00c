import { EventTypes, Topics } from '@shop/contracts';
import { ServiceBusBatchPublisher, cloudEventsContentType } from '../../src/sync/service-bus-batch-publisher';
import { AmqpStandIn } from './amqp-stand-in';

describe('ServiceBusBatchPublisher against an AMQP 1.0 stand-in broker', () => {
  let broker: AmqpStandIn;
  let publisher: ServiceBusBatchPublisher | undefined;
  beforeEach(async () => {
    broker = await new AmqpStandIn().start();
  });
  afterEach(async () => {
    await publisher?.close();
    await broker.stop();
  });

  it('when a batch is published, then the real ServiceBusClient authorises over $cbs and sends one CloudEvent message to the catalog-sync topic', async () => {
    publisher = new ServiceBusBatchPublisher({ connectionString: broker.connectionString(), clientOptions: { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } } });
    const products = [
      { externalId: '1', sku: 'SKU-1', name: 'One', description: '', brand: null, imageUrls: [], attributes: {}, price: { amount: 1999, currency: 'EUR' }, status: 'active' as const },
    ];
    await publisher.publishBatch({ id: 'run-1:1', data: { source: 'acme', runId: 'run-1', products } });
    await publisher.publishBatch({ id: 'run-1:2', data: { source: 'acme', runId: 'run-1', products: [] } });

    expect(broker.tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(broker.tokenRequests[0].application_properties).toMatchObject({ operation: 'put-token' });
    expect(broker.received.map((r) => r.address)).toEqual([Topics.catalogSync, Topics.catalogSync]);
    const [first] = broker.received;
    expect(first.message.message_id).toBe('run-1:1');
    expect(first.message.content_type).toBe(cloudEventsContentType);
    const body = first.message.body as { typecode?: number; content?: Buffer };
    const envelope = JSON.parse(Buffer.from(body.content ?? (body as unknown as Buffer)).toString('utf8'));
    expect(envelope).toMatchObject({
      specversion: '1.0',
      id: 'run-1:1',
      source: 'functions',
      type: EventTypes.catalogSyncBatch,
      subject: 'acme',
      datacontenttype: 'application/json',
      data: { source: 'acme', runId: 'run-1', products },
    });
  });
});
