import { PeriodicTask } from '@shop/platform';
import type { Logger } from '@shop/kernel';
import type { CheckoutService } from '../domain/checkout.service';
import type { OrderRepository } from '../domain/ports';
import type { CheckoutMetrics } from '../domain/checkout-metrics';

/** Settings of the recovery loop. */
export interface CheckoutRecoverySettings {
  intervalMs: number;
  /** An order untouched in one of the checkout's statuses for this long is resumed. */
  staleAfterMs: number;
  /** How long a replica owns an order it resumes (another replica may take it over afterwards). */
  leaseMs: number;
  /** Orders per round. */
  batchSize: number;
}

/**
 * Resumes orders that a crash left inside the checkout: at start and then every interval. Replicas never resume
 * the same order at once: each order is leased to one of them (claimed with FOR UPDATE SKIP LOCKED). Which orders
 * count as interrupted (`CheckoutStatuses`) and what resuming one does (`CheckoutService.resume`) is the domain's.
 */
export class CheckoutRecovery {
  private readonly loop: PeriodicTask<number>;

  constructor(
    private readonly deps: { repository: OrderRepository; checkout: CheckoutService; logger: Logger; settings: CheckoutRecoverySettings; checkoutMetrics?: CheckoutMetrics },
  ) {
    this.loop = new PeriodicTask({ name: 'checkout recovery', run: () => this.round(), intervalMs: deps.settings.intervalMs, logger: deps.logger });
  }

  /** Runs a round now and then every interval. */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop and waits for the round in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One round: claims stale orders and resumes each; returns how many were resumed without error. */
  runOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  private async round(): Promise<number> {
    const { repository, checkout, logger, settings } = this.deps;
    const orders = await repository.claimStaleCheckouts({ staleAfterMs: settings.staleAfterMs, leaseMs: settings.leaseMs, limit: settings.batchSize });
    let resumed = 0;
    for (const order of orders) {
      try {
        const outcome = await (this.deps.checkoutMetrics ? this.deps.checkoutMetrics.observe('recovery', () => checkout.resume(order)) : checkout.resume(order));
        resumed += 1;
        logger.info({ orderId: order.id, from: order.status, outcome: outcome.kind }, 'resumed an interrupted checkout');
      } catch (error) {
        // The lease runs out and a later round (here or on another replica) tries again.
        logger.warn({ err: error, orderId: order.id, status: order.status }, 'resuming an interrupted checkout failed; will retry');
      }
    }
    return resumed;
  }
}
