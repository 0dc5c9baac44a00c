import type { SubscriptionOptions } from './event-bus';

/** A region's code as the platform spells it (Azure's short codes: `weu`, `neu`; the REGION setting). */
const regionCodePattern = /^[a-z0-9-]{1,30}$/;

/**
 * Subscription options under which every region gets every event once: the consumer group is `<purpose>-<region>`,
 * shared by the replicas of the region (they compete) and apart from the other regions' groups. Use it on
 * `BuildingBlocks.regionalBus` for what a region keeps for itself and must keep in line with changes made anywhere
 * (the catalog's caches in the region's Redis). Durable: a region that was down gets what it missed.
 */
export function regionalSubscription(purpose: string, region: string): SubscriptionOptions {
  if (!purpose || !regionCodePattern.test(region)) throw new TypeError(`regionalSubscription needs a purpose and a region code (${regionCodePattern.source}), not "${region}"`);
  return { group: `${purpose}-${region}` };
}
