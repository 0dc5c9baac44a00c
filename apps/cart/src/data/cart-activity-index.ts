import { createHash } from 'node:crypto';
import { EtagMismatchError, type StateStore } from '@shop/building-blocks';
import type { ActivityBucket, CartActivityIndex, WriteConflictRetry } from '../domain/ports';

/** Buckets per hour: spreads the writers of one hour over this many keys, so they rarely contend for one ETag. */
export const ACTIVITY_SHARDS = 16;

/** A bucket lives a day longer than the job looks back (ACTIVITY_LOOKBACK_HOURS), then expires unread. */
export const ACTIVITY_BUCKET_TTL_SECONDS = 8 * 24 * 3600;

/** The shard of a user: a stable hash, the same in every replica and release. */
export function activityShardOf(userId: string): number {
  return createHash('sha256').update(userId).digest().readUInt32BE(0) % ACTIVITY_SHARDS;
}

/** The state-store key of one bucket: `cart:activity:<YYYYMMDDHH>:<shard>`. */
export function activityBucketKey(hour: string, shard: number): string {
  return `cart:activity:${hour}:${shard}`;
}

/**
 * The activity index in the state store: per UTC hour and shard, the sorted unique user ids whose carts were written
 * in that hour. Each addition is an ETag-guarded read-modify-write, run again through `writeRetry` when another
 * writer won (the state store's EtagMismatchError is what it retries on).
 */
export class StateStoreCartActivityIndex implements CartActivityIndex {
  constructor(
    private readonly store: StateStore,
    private readonly writeRetry: WriteConflictRetry,
  ) {}

  async recordActivity(userId: string, hour: string): Promise<void> {
    const key = activityBucketKey(hour, activityShardOf(userId));
    await this.writeRetry.execute(async () => {
      const entry = await this.store.get<unknown>(key);
      const userIds = userIdsOf(entry?.value);
      if (userIds.includes(userId)) return;
      const next = [...userIds, userId].sort();
      const guard = entry ? { etag: entry.etag } : { onlyIfAbsent: true };
      await this.store.save(key, next, { ...guard, ttlSeconds: ACTIVITY_BUCKET_TTL_SECONDS });
    });
  }

  async readBuckets(hour: string): Promise<ActivityBucket[]> {
    const shards = Array.from({ length: ACTIVITY_SHARDS }, (_, shard) => shard);
    const entries = await Promise.all(shards.map((shard) => this.store.get<unknown>(activityBucketKey(hour, shard))));
    return entries.flatMap((entry, shard) => (entry ? [{ hour, shard, userIds: userIdsOf(entry.value), version: entry.etag }] : []));
  }

  async removeBucket(bucket: ActivityBucket): Promise<boolean> {
    try {
      await this.store.delete(activityBucketKey(bucket.hour, bucket.shard), { etag: bucket.version });
      return true;
    } catch (error) {
      if (error instanceof EtagMismatchError) return false;
      throw error;
    }
  }
}

/** A bucket's value; anything else (a foreign or corrupt value) reads as empty rather than stopping the job. */
function userIdsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && id.length > 0) : [];
}
