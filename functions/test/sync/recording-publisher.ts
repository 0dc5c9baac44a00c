import type { SyncBatch, SyncBatchPublisher } from '../../src/sync/sync-batch-publisher';

/** A publisher that keeps a copy of every batch it is given. */
export class RecordingPublisher implements SyncBatchPublisher {
  batches: SyncBatch[] = [];
  async publishBatch(batch: SyncBatch): Promise<void> {
    this.batches.push(structuredClone(batch));
  }
  async close(): Promise<void> {}
}
