import type { EventBus } from '@shop/building-blocks';
import { EventTypes, Topics, type ApiKeyChangedData } from '@shop/contracts';
import type { ApiKeyChangeNotifier } from '../domain/api-keys.ports';

/**
 * Broadcasts key revocations and rotations on `Topics.apiKeys` of the broadcast bus, which every catalog replica
 * subscribes to with a group of its own, so each drops its cached answer about the key within a second. Sent after
 * the commit (not through the outbox): a revocation must travel now, and a lost one is still bounded by the
 * replicas' cache expiry.
 */
export class BroadcastApiKeyChanges implements ApiKeyChangeNotifier {
  constructor(private readonly broadcastBus: EventBus) {}

  async revoked(keyId: string, at: Date): Promise<void> {
    const data: ApiKeyChangedData = { keyId, at: at.toISOString() };
    await this.broadcastBus.publish(Topics.apiKeys, { type: EventTypes.apiKeyRevoked, subject: keyId, data });
  }

  async rotated(keyId: string, at: Date, previousKeyValidUntil: Date): Promise<void> {
    const data: ApiKeyChangedData = { keyId, at: at.toISOString(), previousKeyValidUntil: previousKeyValidUntil.toISOString() };
    await this.broadcastBus.publish(Topics.apiKeys, { type: EventTypes.apiKeyRotated, subject: keyId, data });
  }
}

/** A notifier that tells no one, for an app without a broadcast bus (tests of auth alone). */
export const noApiKeyChangeNotifier: ApiKeyChangeNotifier = { revoked: () => Promise.resolve(), rotated: () => Promise.resolve() };
