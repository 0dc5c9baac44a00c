import { createHash } from 'node:crypto';
import { EtagMismatchError, InMemoryStateStore, type StateStore } from '@shop/building-blocks';
import type { ClaimOutcome, NotificationClaim, NotificationClaims, NotificationKey } from './notification-claims';

/** How long claims live. */
export interface NotificationClaimLifetimes {
  /** Seconds a "sending" claim holds before it lapses: longer than one send takes, short enough to retry a dead worker's e-mail soon. */
  sendingLeaseSeconds: number;
  /** Seconds a "sent" record is kept: longer than any redelivery or republication of an event can come. */
  sentRetentionSeconds: number;
}

/** The lifetimes used when the settings do not say otherwise. */
export const defaultNotificationClaimLifetimes: NotificationClaimLifetimes = { sendingLeaseSeconds: 120, sentRetentionSeconds: 7 * 24 * 3600 };

/** What the state-store claims need. */
export interface StateStoreNotificationClaimsOptions extends Partial<NotificationClaimLifetimes> {
  /** Where the claims live: a Redis store (shared by every worker) in production, an in-memory one in one process. */
  store: StateStore;
  /** Clock of the records' timestamps. Default `() => new Date()`. */
  now?: () => Date;
}

/** The record behind a claim. */
interface ClaimRecord {
  state: 'sending' | 'sent';
  at: string;
}

/**
 * NotificationClaims on the StateStore port. The claim is a create-only write with the lease as its TTL (on Redis one
 * script, one round trip: the existence check and the write cannot be split by another worker); marking and releasing
 * are guarded by the claim's ETag, so a worker whose lease lapsed cannot overwrite or delete the claim of the worker
 * that took over.
 */
export class StateStoreNotificationClaims implements NotificationClaims {
  private readonly store: StateStore;
  private readonly lifetimes: NotificationClaimLifetimes;
  private readonly now: () => Date;

  constructor(options: StateStoreNotificationClaimsOptions) {
    this.store = options.store;
    this.lifetimes = {
      sendingLeaseSeconds: options.sendingLeaseSeconds ?? defaultNotificationClaimLifetimes.sendingLeaseSeconds,
      sentRetentionSeconds: options.sentRetentionSeconds ?? defaultNotificationClaimLifetimes.sentRetentionSeconds,
    };
    this.now = options.now ?? (() => new Date());
  }

  async claim(key: NotificationKey): Promise<ClaimOutcome> {
    const storeKey = storeKeyOf(key);
    // Twice at most: a record that vanishes between the failed create and the read (lapsed or released) is claimed again.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const token = await this.store.save<ClaimRecord>(storeKey, this.record('sending'), { onlyIfAbsent: true, ttlSeconds: this.lifetimes.sendingLeaseSeconds });
        return { kind: 'claimed', claim: { key, token } };
      } catch (error) {
        if (!(error instanceof EtagMismatchError)) throw error;
      }
      const current = await this.store.get<ClaimRecord>(storeKey);
      if (current) return current.value.state === 'sent' ? { kind: 'already_sent' } : { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  async markSent(claim: NotificationClaim): Promise<boolean> {
    try {
      await this.store.save<ClaimRecord>(storeKeyOf(claim.key), this.record('sent'), { etag: claim.token, ttlSeconds: this.lifetimes.sentRetentionSeconds });
      return true;
    } catch (error) {
      if (error instanceof EtagMismatchError) return false;
      throw error;
    }
  }

  async release(claim: NotificationClaim): Promise<void> {
    try {
      await this.store.delete(storeKeyOf(claim.key), { etag: claim.token });
    } catch (error) {
      // Someone else holds it now (our lease lapsed): theirs to finish.
      if (!(error instanceof EtagMismatchError)) throw error;
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private record(state: ClaimRecord['state']): ClaimRecord {
    return { state, at: this.now().toISOString() };
  }
}

/** The store key: the recipient hashed, so the store holds no e-mail addresses. */
function storeKeyOf(key: NotificationKey): string {
  const recipient = createHash('sha256').update(key.recipient.trim().toLowerCase()).digest('hex').slice(0, 32);
  return `${key.kind}:${key.eventId}:${recipient}`;
}

/** Claims held in this process's memory: `npm start` (one process) and tests; never for more than one worker. */
export function inMemoryNotificationClaims(options: Partial<NotificationClaimLifetimes> & { now?: () => number } = {}): StateStoreNotificationClaims {
  const { now, ...lifetimes } = options;
  return new StateStoreNotificationClaims({ store: new InMemoryStateStore({ now }), ...lifetimes, ...(now ? { now: () => new Date(now()) } : {}) });
}
