import type { Logger } from '@shop/platform';
import type { CheckoutService } from './checkout.service';
import type { OrderRepository } from './ports';

/** Settings of the recovery loop. */
export interface CheckoutRecoverySettings {
  intervalMs: number;
  /** An order untouched in pending/reserved/paid for this long is resumed. */
  staleAfterMs: number;
  /** How long a replica owns an order it resumes (another replica may take it over afterwards). */
  leaseMs: number;
  /** Orders per round. */
  batchSize: number;
}

/**
 * Resumes orders that a crash left inside the checkout: at start and then every interval. Replicas never resume
 * the same order at once: each order is leased to one of them (claimed with FOR UPDATE SKIP LOCKED).
 */
export class CheckoutRecovery {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = true;

  constructor(
    private readonly deps: { repository: OrderRepository; checkout: CheckoutService; logger: Logger; settings: CheckoutRecoverySettings },
  ) {}

  /** Runs a round now and then every interval. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round: claims stale orders and resumes each; returns how many were resumed without error. */
  runOnce(): Promise<number> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.runOnce();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'checkout recovery round failed');
    }
    if (!this.stopped) this.schedule(this.deps.settings.intervalMs);
  }

  private async round(): Promise<number> {
    const { repository, checkout, logger, settings } = this.deps;
    const orders = await repository.claimStaleCheckouts({ staleAfterMs: settings.staleAfterMs, leaseMs: settings.leaseMs, limit: settings.batchSize });
    let resumed = 0;
    for (const order of orders) {
      try {
        const answer = await checkout.resume(order);
        resumed += 1;
        logger.info({ orderId: order.id, from: order.status, answer: answer.status }, 'resumed an interrupted checkout');
      } catch (error) {
        // The lease runs out and a later round (here or on another replica) tries again.
        logger.warn({ err: error, orderId: order.id, status: order.status }, 'resuming an interrupted checkout failed; will retry');
      }
    }
    return resumed;
  }
}
