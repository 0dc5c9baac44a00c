import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { AppError, silentLogger, type Logger } from '@shop/kernel';

/** When an adapter stops calling a failing backend, and when it tries again. */
export interface OutageBreakerSettings {
  /** Failed calls in a row (timeouts, connection errors) that open the breaker. Default 3. */
  consecutiveFailures?: number;
  /** How long the breaker stays open before one trial call may go through (half-open). Default 2000 ms. */
  halfOpenAfterMs?: number;
}

/** The defaults of OutageBreakerSettings. */
export const DefaultOutageBreaker = { consecutiveFailures: 3, halfOpenAfterMs: 2000 } as const;

/** How long a client should wait before trying again, as `Retry-After` says it. */
const RETRY_AFTER_SECONDS = 1;

/** Options of an OutageBreaker. */
export interface OutageBreakerOptions extends OutageBreakerSettings {
  /** What the backend is to a reader of the error, starting with a capital: `The state store`. */
  what: string;
  /** True for a failure that means the backend is down or stalled (counted), false for anything else (thrown as it is). */
  isOutage: (error: unknown) => boolean;
  logger?: Logger;
}

/**
 * A circuit breaker (cockatiel) in front of a backend that the request path depends on: after a few outage
 * failures in a row it fails calls at once without touching the backend, and lets one trial call through now and
 * then until one succeeds. Outage failures and an open breaker both surface as one AppError `unavailable` (503 with
 * `Retry-After: 1`); every other failure passes through unchanged. The opening is logged once per outage, and the
 * recovery once, not every refused call.
 */
export class OutageBreaker {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly what: string;
  private readonly isOutage: (error: unknown) => boolean;
  private down = false;

  constructor(options: OutageBreakerOptions) {
    this.what = options.what;
    this.isOutage = options.isOutage;
    const logger = options.logger ?? silentLogger;
    this.breaker = circuitBreaker(handleWhen(options.isOutage), {
      halfOpenAfter: options.halfOpenAfterMs ?? DefaultOutageBreaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.consecutiveFailures ?? DefaultOutageBreaker.consecutiveFailures),
    });
    this.breaker.onBreak((reason) => {
      // A failed trial call opens it again: still the same outage.
      if (this.down) return;
      this.down = true;
      logger.warn({ err: 'error' in reason ? reason.error : undefined, backend: this.what }, `${this.what} is unavailable; failing calls fast until it recovers`);
    });
    this.breaker.onReset(() => {
      this.down = false;
      logger.info({ backend: this.what }, `${this.what} recovered`);
    });
  }

  /** True while calls are refused without reaching the backend (open, or half-open with the trial call out). */
  get isOpen(): boolean {
    return this.breaker.state === CircuitState.Open || this.breaker.state === CircuitState.HalfOpen;
  }

  /** Runs one call to the backend through the breaker. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError || this.isOutage(error)) throw this.unavailable(error);
      throw error;
    }
  }

  /** The error a caller sees while the backend is out: a 503 that asks to come back in a second. */
  unavailable(cause: unknown): AppError {
    return new AppError('unavailable', `${this.what} is unavailable; try again shortly`, { retryAfterSeconds: RETRY_AFTER_SECONDS, cause });
  }
}
