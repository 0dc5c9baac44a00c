import { EtagMismatchError, type StateStore } from '@shop/building-blocks';
import type { ProcessedEvents } from '../domain/ports';

/** Processed event ids of one consumer as state-store keys `inbox:<consumer>:<eventId>`, expiring after `ttlSeconds`. */
export class StateStoreProcessedEvents implements ProcessedEvents {
  constructor(
    private readonly store: StateStore,
    private readonly consumer: string,
    private readonly ttlSeconds: number,
  ) {}

  async has(eventId: string): Promise<boolean> {
    return (await this.store.get(this.keyOf(eventId))) !== undefined;
  }

  async record(eventId: string): Promise<void> {
    try {
      await this.store.save(this.keyOf(eventId), { processedAt: new Date().toISOString() }, { onlyIfAbsent: true, ttlSeconds: this.ttlSeconds });
    } catch (error) {
      // Another delivery of the same event recorded it first: the goal holds.
      if (!(error instanceof EtagMismatchError)) throw error;
    }
  }

  private keyOf(eventId: string): string {
    return `inbox:${this.consumer}:${eventId}`;
  }
}
