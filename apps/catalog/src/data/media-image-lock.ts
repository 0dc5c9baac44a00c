import type { SqlExecutor } from '@shop/postgres';

/**
 * Takes an image's transaction-scoped advisory lock: the attach, the detach and the media sweep of one image run one
 * after another. The two-key form, in a key space of its own, so it never meets the single-key locks of migrations,
 * partitions and the outbox relay. A hash collision of two images only makes them wait for each other.
 */
export async function lockMediaImage(sql: SqlExecutor, imageId: string): Promise<void> {
  await sql.query("SELECT pg_advisory_xact_lock(hashtext('catalog:media-image'), hashtext($1))", [imageId]);
}
