import type { SubscriptionOptions } from './event-bus';

/**
 * Subscription options under which every replica of an app gets every event: the consumer group is this process's own
 * (`<appId>.<instanceId>`), so replicas do not compete. It starts at the newest event and is removed on close
 * (`perInstance`). Use it on `BuildingBlocks.broadcastBus` for signals each replica must act on (dropping its
 * in-process cache entries); a lost signal must be harmless, as it is for a cache whose TTL bounds the staleness.
 */
export function broadcastSubscription(appId: string, instanceId: string): SubscriptionOptions {
  if (!appId || !instanceId) throw new TypeError('broadcastSubscription needs an app id and an instance id');
  // Few, quick retries: a signal delivered minutes late is worth little, and the handlers only drop entries.
  return { group: `${appId}.${instanceId}`, perInstance: true, maxAttempts: 3, initialBackoffMs: 100 };
}
