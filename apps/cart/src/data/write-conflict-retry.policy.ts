import { ExponentialBackoff, fullJitterGenerator, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { EtagMismatchError } from '@shop/building-blocks';
import { StaleCartError, type WriteConflictRetry } from '../domain/ports';

/** First backoff window in ms; it doubles per retry. */
const INITIAL_BACKOFF_MS = 2;
/** Widest backoff window in ms: writers of one cart are few, they only need to stop colliding, not to wait long. */
const MAX_BACKOFF_MS = 50;

/** True for the errors of a guarded save that lost to another writer: the cart's own, or the state store's. */
function isWriteConflict(error: Error): boolean {
  return error instanceof StaleCartError || error instanceof EtagMismatchError;
}

/**
 * The write-conflict retry on cockatiel: full jitter over a window that doubles from 2 ms up to 50 ms, and at most
 * `maxAttempts` attempts in all (CART_WRITE_MAX_ATTEMPTS), after which the last conflict is thrown.
 */
export class CockatielWriteConflictRetry implements WriteConflictRetry {
  private readonly policy: RetryPolicy;

  constructor(options: { maxAttempts: number }) {
    this.policy = retry(handleWhen(isWriteConflict), {
      // cockatiel counts the retries after the first attempt.
      maxAttempts: options.maxAttempts - 1,
      backoff: new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: INITIAL_BACKOFF_MS, maxDelay: MAX_BACKOFF_MS }),
    });
  }

  execute<T>(attempt: () => Promise<T>): Promise<T> {
    return this.policy.execute(() => attempt());
  }
}
