import type { CheckoutOutcome } from './checkout-outcome';

/** Who drove a checkout saga: the shopper's order request, or the recovery loop finishing an interrupted one. */
export type CheckoutDriver = 'request' | 'recovery';

/**
 * Times and counts checkout sagas by what they ended in. A port the route and the recovery loop call around the
 * saga; its Prometheus implementation is an adapter (http/prometheus-checkout-metrics.ts).
 */
export interface CheckoutMetrics {
  /** Runs `saga` and records its outcome kind (`error` when it threw) and its duration. */
  observe(driver: CheckoutDriver, saga: () => Promise<CheckoutOutcome>): Promise<CheckoutOutcome>;
}
