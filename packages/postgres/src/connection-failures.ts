import { AppError } from '@shop/kernel';

/** Socket and resolver codes that mean the server could not be reached or the connection broke. */
const networkErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** SQLSTATEs of a server that is going away or not taking connections (class 08 is matched by its prefix). */
const serverGoingAwayStates = new Set(['57P01', '57P02', '57P03']);

/**
 * What node-postgres says when a connection breaks or never comes: the pool's acquire timeout, a connection that
 * ended under a query, the client-side query timeout of a server that stopped answering, a client that died.
 */
const driverMessages = [/^Connection terminated/, /^timeout exceeded when trying to connect$/, /^Query read timeout$/, /not queryable/];

/**
 * No password could be had for a new connection (with Entra authentication: the identity endpoint or Entra ID did not
 * answer, or the workload identity is not set up). For the callers it is the database being unreachable: 503, and it
 * counts for the circuit breaker.
 */
export class DatabaseCredentialUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseCredentialUnavailableError';
  }
}

function isConnectionFailureAtDepth(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  if (error instanceof DatabaseCredentialUnavailableError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (networkErrorCodes.has(code) || serverGoingAwayStates.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && driverMessages.some((pattern) => pattern.test(message))) return true;
  // Node reports a failed connect to every address of a host as an AggregateError of the single failures.
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionFailureAtDepth(inner, depth + 1))) return true;
  return isConnectionFailureAtDepth((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Whether `error` says the database could not be reached or the connection broke, as opposed to a statement the
 * server refused (a constraint, a serialization failure, a syntax error), which the caller handles itself.
 */
export function isConnectionFailure(error: unknown): boolean {
  return isConnectionFailureAtDepth(error, 0);
}

/** Whether `error` is the pool's acquire timeout while all its connections were busy (no new connection was tried). */
export function isPoolExhausted(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}

/** The error a caller sees while the database cannot be reached: 503 with Retry-After: 1. */
export function databaseUnavailable(cause: unknown): AppError {
  return new AppError('unavailable', 'The database is unavailable; try again shortly', { retryAfterSeconds: 1, cause });
}

