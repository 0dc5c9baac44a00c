import type { SubscriptionOptions } from './event-bus';

/** A region's code as the platform spells it (Azure's short codes: `weu`, `neu`; the REGION setting). */
const regionCodePattern = /^[a-z0-9-]{1,30}$/;

/**
 * Subscription options under which every region gets every event once: the consumer group is `<appId>-<region>`
 * (the Dapr component's consumerID `{appID}-<region>`, the Service Bus subscription's name), shared by the app's
 * replicas in the region (they compete) and apart from the other regions' groups. Use it on
 * `BuildingBlocks.regionalBus` for what a region keeps for itself and must keep in line with changes made anywhere
 * (the catalog's caches and the carts in the region's Redis). Durable: a region that was down gets what it missed.
 */
export function regionalSubscription(appId: string, region: string): SubscriptionOptions {
  if (!appId || !regionCodePattern.test(region)) throw new TypeError(`regionalSubscription needs an app id and a region code (${regionCodePattern.source}), not "${region}"`);
  return { group: `${appId}-${region}` };
}
