import type { CloudEvent, DeliveryOutcome, EventBus, SubscriptionOptions } from '@shop/building-blocks';
import { EventTypes, Topics, apiKeyChangedDataSchema } from '@shop/contracts';
import type { Logger } from '@shop/kernel';
import type { ForgettingApiKeyVerifier } from '../domain/api-key-verifier';

/**
 * Handles `api-key.revoked` and `api-key.rotated` on the broadcast topic: this replica forgets what it knew of the
 * key, so its next request is verified with auth (a revoked key: 401 at once, not after the cache's TTL). Forgetting
 * twice is harmless, so no inbox is needed. Other types on the topic are not about this cache: SUCCESS.
 */
export function apiKeyChangedHandler(verifier: ForgettingApiKeyVerifier, logger: Logger): (event: CloudEvent<unknown>) => Promise<DeliveryOutcome> {
  const handle = (event: CloudEvent<unknown>): DeliveryOutcome => {
    if (event.type !== EventTypes.apiKeyRevoked && event.type !== EventTypes.apiKeyRotated) return 'SUCCESS';
    const data = apiKeyChangedDataSchema.safeParse(event.data);
    if (!data.success) {
      logger.warn({ eventId: event.id, type: event.type }, 'malformed api key event; dropping');
      return 'DROP';
    }
    verifier.forgetKey(data.data.keyId);
    logger.debug({ eventId: event.id, type: event.type, keyId: data.data.keyId }, 'forgot the cached answers about an API key');
    return 'SUCCESS';
  };
  return (event) => Promise.resolve(handle(event));
}

/**
 * Subscribes the verifier's cache to `Topics.apiKeys`. `subscription` must reach every replica: the broadcast bus's
 * per-instance subscription (`broadcastSubscription(appId, instanceId)`), or on a normal bus a group of this
 * instance alone. Call before the bus starts.
 */
export function subscribeApiKeyChanges(bus: EventBus, verifier: ForgettingApiKeyVerifier, subscription: SubscriptionOptions, logger: Logger): void {
  bus.subscribe(Topics.apiKeys, apiKeyChangedHandler(verifier, logger), subscription);
}
