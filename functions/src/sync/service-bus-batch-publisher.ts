import { ServiceBusClient, type ServiceBusClientOptions, type ServiceBusSender, type TokenCredential } from '@azure/service-bus';
import { DefaultAzureCredential } from '@azure/identity';
import { Topics } from '@shop/contracts';
import { syncBatchEnvelope, type SyncBatch, type SyncBatchPublisher } from './sync-batch-publisher';

/** Where the publisher connects: a namespace with an Entra credential (Azure), or a connection string (emulators, tests). */
export type ServiceBusTarget =
  | { fullyQualifiedNamespace: string; credential?: TokenCredential; clientOptions?: ServiceBusClientOptions }
  | { connectionString: string; clientOptions?: ServiceBusClientOptions };

/** Content type of a structured-mode CloudEvent; Dapr's Service Bus component then delivers it as that CloudEvent. */
export const cloudEventsContentType = 'application/cloudevents+json';

/**
 * Sends each batch as one CloudEvents 1.0 JSON message to the catalog-sync topic, messageId = event id (so a
 * namespace with duplicate detection drops a resend of the same batch). Uses a message batch to learn whether the
 * message fits the tier's size limit before sending.
 */
export class ServiceBusBatchPublisher implements SyncBatchPublisher {
  private readonly client: ServiceBusClient;
  private readonly sender: ServiceBusSender;

  constructor(target: ServiceBusTarget) {
    this.client =
      'connectionString' in target
        ? new ServiceBusClient(target.connectionString, target.clientOptions)
        : new ServiceBusClient(target.fullyQualifiedNamespace, target.credential ?? new DefaultAzureCredential(), target.clientOptions);
    this.sender = this.client.createSender(Topics.catalogSync);
  }

  async publishBatch(batch: SyncBatch): Promise<void> {
    const envelope = syncBatchEnvelope(batch);
    const messageBatch = await this.sender.createMessageBatch();
    const added = messageBatch.tryAddMessage({
      messageId: envelope.id,
      contentType: cloudEventsContentType,
      subject: envelope.type,
      body: Buffer.from(JSON.stringify(envelope), 'utf8'),
    });
    if (!added) {
      throw new Error(`catalog-sync batch ${batch.id} (${batch.data.products.length} products) exceeds the namespace's message size limit of ${messageBatch.maxSizeInBytes} bytes; lower SYNC_BATCH_SIZE`);
    }
    await this.sender.sendMessages(messageBatch);
  }

  async close(): Promise<void> {
    await this.sender.close();
    await this.client.close();
  }
}
