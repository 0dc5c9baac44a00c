import type { ReadinessCheck } from '@shop/platform';
import type { Database } from '@shop/postgres';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The `database` check of /readyz. Ready while the primary answers. While it does not, a service with a read replica
 * that answers stays ready but says `degraded`: its reads go on from the replica (writes answer 503 with Retry-After),
 * and a pod taken out of its Service for it would fail the reads too; in two regions, a lost home primary would then
 * take every region's pods, and Front Door's origins, out together. Without a replica, or with both gone: not ready.
 */
export function databaseReadinessCheck(db: Database): ReadinessCheck {
  return {
    name: 'database',
    check: async (): Promise<void | { degraded: string }> => {
      try {
        await db.ping();
        return undefined;
      } catch (primaryDown) {
        // Asked only once the primary failed: a healthy probe costs the replica nothing.
        if (!db.pingReplica || db.readPathStatus?.().replicaConfigured !== true) throw primaryDown;
        try {
          await db.pingReplica();
        } catch (replicaDown) {
          throw new Error(`${messageOf(primaryDown)}; ${messageOf(replicaDown)}`, { cause: replicaDown });
        }
        return { degraded: `${messageOf(primaryDown)}; reads are served by the read replica, writes answer 503 until the primary is back` };
      }
    },
  };
}
