import type { SyncRecord, SyncRejection } from '@shop/contracts';

/** One page of a supplier listing: its raw records, or why it could not be fetched. */
export type SourcePage =
  | { kind: 'records'; pageNumber: number; records: unknown[] }
  /** A page that failed after retries: the listing is incomplete, so the run must not archive anything. */
  | { kind: 'failed'; pageNumber: number; error: string };

/** A raw supplier record turned into a sync record, or rejected with a reason. */
export type NormalisedRecord = { ok: true; record: SyncRecord } | ({ ok: false } & SyncRejection);

/** Port: an external product source, read page by page. */
export interface ProductSource {
  /** The catalog `source` name of its products. */
  readonly name: string;
  /**
   * The listing, page by page in a stable order. A failed page is yielded as `failed` (never thrown); the listing
   * was complete when no page failed. Pages that cannot be reached any more (after a failed cursor page) are
   * simply not yielded, with the failure saying so.
   */
  pages(): AsyncIterable<SourcePage>;
  /** Validates and normalises one raw record of this source. */
  normalise(raw: unknown): NormalisedRecord;
}
