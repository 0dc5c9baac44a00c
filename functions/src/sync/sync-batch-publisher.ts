import { toCloudEvent, type CloudEvent, type EventBus } from '@shop/building-blocks';
import { AppIds, EventTypes, Topics, catalogBulkUpsertPath, type SyncBatchOfRecords } from '@shop/contracts';

/** The data of a `catalog.sync.batch` event as the sync sends it: valid records of one run. */
export type SyncBatchData = SyncBatchOfRecords & { runId: string };

/** One batch to send; `id` becomes the CloudEvent id (and Service Bus messageId), stable per run and batch number. */
export interface SyncBatch {
  id: string;
  data: SyncBatchData;
}

/** Port: sends catalog-sync batches to catalog. Resolves once the transport accepted the batch. */
export interface SyncBatchPublisher {
  publishBatch(batch: SyncBatch): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** The CloudEvents 1.0 envelope of a batch (subject: the source, so ordering-aware transports keep a source's batches together). */
export function syncBatchEnvelope(batch: SyncBatch): CloudEvent<SyncBatchData> {
  return toCloudEvent(AppIds.functions, { id: batch.id, type: EventTypes.catalogSyncBatch, subject: batch.data.source, data: batch.data });
}

/** Publishes batches on our EventBus port (in-process or Redis Streams locally; Dapr in a container). */
export class EventBusBatchPublisher implements SyncBatchPublisher {
  constructor(private readonly eventBus: EventBus, private readonly options: { closeBus?: boolean } = {}) {}
  async publishBatch(batch: SyncBatch): Promise<void> {
    await this.eventBus.publish(Topics.catalogSync, { id: batch.id, type: EventTypes.catalogSyncBatch, subject: batch.data.source, data: batch.data });
  }
  async close(): Promise<void> {
    if (this.options.closeBus) await this.eventBus.close();
  }
}

/** Options of the HTTP bulk-upsert publisher. */
export interface HttpBulkUpsertPublisherOptions {
  catalogUrl: string;
  /** Catalog's bulk upsert route wants an admin access token. */
  adminToken: string;
  appApiToken?: string;
  fetch?: typeof fetch;
}

/**
 * Sends batches straight to catalog's `POST /internal/catalog/products/bulk-upsert` (the CLI against a local
 * platform, where the in-process bus of `npm start` is not reachable from another process).
 */
export class HttpBulkUpsertPublisher implements SyncBatchPublisher {
  constructor(private readonly options: HttpBulkUpsertPublisherOptions) {}
  async publishBatch(batch: SyncBatch): Promise<void> {
    // The batch's event id as Idempotency-Key: a retried POST is applied and counted into the run once.
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${this.options.adminToken}`, 'idempotency-key': batch.id };
    if (this.options.appApiToken) headers['dapr-api-token'] = this.options.appApiToken;
    const response = await (this.options.fetch ?? fetch)(new URL(catalogBulkUpsertPath, this.options.catalogUrl), {
      method: 'POST',
      headers,
      body: JSON.stringify(batch.data),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`catalog bulk upsert answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    await response.body?.cancel();
  }
  async close(): Promise<void> {}
}
