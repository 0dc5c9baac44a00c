import type { ServiceMetrics } from '@shop/platform';
import type { CheckoutMetrics } from '../domain/checkout-metrics';

/** `checkout_sagas_total{driver, outcome}` and `checkout_saga_duration_seconds{driver, outcome}`. */
export function createCheckoutMetrics(metrics: ServiceMetrics, now: () => bigint = () => process.hrtime.bigint()): CheckoutMetrics {
  const sagas = metrics.counter({
    name: 'checkout_sagas_total',
    help: 'Checkout sagas by driver (request, recovery) and outcome (confirmed, out_of_stock, payment_declined, ..., error)',
    labelNames: ['driver', 'outcome'] as const,
  });
  const duration = metrics.histogram({
    name: 'checkout_saga_duration_seconds',
    help: 'Duration of a checkout saga (cart taken, stock reserved, payment, commit) by driver and outcome',
    labelNames: ['driver', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30],
  });
  // A confirmed series from the start, so orders/s reads 0 rather than nothing before the first order.
  sagas.inc({ driver: 'request', outcome: 'confirmed' }, 0);
  return {
    async observe(driver, saga) {
      const startedAt = now();
      let outcome = 'error';
      try {
        const result = await saga();
        outcome = result.kind;
        return result;
      } finally {
        sagas.inc({ driver, outcome });
        duration.observe({ driver, outcome }, Number(now() - startedAt) / 1e9);
      }
    },
  };
}
