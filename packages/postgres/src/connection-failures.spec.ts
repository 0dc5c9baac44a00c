import { AppError } from '@shop/kernel';
import { databaseUnavailable, isConnectionFailure, isPoolExhausted } from './connection-failures';

/** An error as node-postgres or Node's net module reports it: a message and a code. */
function failure(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('isConnectionFailure', () => {
  it.each([
    ['a refused connect', failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', failure('read ECONNRESET', 'ECONNRESET')],
    ['a connect that timed out in the kernel', failure('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['a write to a closed socket', failure('write EPIPE', 'EPIPE')],
    ['the pool giving up on a new connection', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
    ['the pool giving up waiting for a busy connection', failure('timeout exceeded when trying to connect')],
    ['a connection that ended under a query', failure('Connection terminated unexpectedly')],
    ['a server that stopped answering', failure('Query read timeout')],
    ['a client that broke before', failure('Client has encountered a connection error and is not queryable')],
    ['SQLSTATE 08006 (connection failure)', failure('connection failure', '08006')],
    ['SQLSTATE 08P01 (protocol violation)', failure('protocol violation', '08P01')],
    ['SQLSTATE 57P01 (admin shutdown)', failure('terminating connection due to administrator command', '57P01')],
    ['SQLSTATE 57P02 (crash shutdown)', failure('terminating connection because of crash of another server process', '57P02')],
    ['SQLSTATE 57P03 (cannot connect now)', failure('the database system is starting up', '57P03')],
    ['a connect to every address of a host failing', new AggregateError([failure('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'all failed')],
    ['the 503 of an earlier connection failure', databaseUnavailable(failure('read ECONNRESET', 'ECONNRESET'))],
  ])('when it is %s, then it is a connection failure', (_name, error) => {
    expect(isConnectionFailure(error)).toBe(true);
  });

  it.each([
    ['a unique violation', failure('duplicate key value violates unique constraint "users_email_key"', '23505')],
    ['a check violation', failure('new row violates check constraint', '23514')],
    ['a serialization failure', failure('could not serialize access due to concurrent update', '40001')],
    ['a deadlock', failure('deadlock detected', '40P01')],
    ['a missing table', failure('relation "nope" does not exist', '42P01')],
    ['a statement timeout (the server answers: it is only slow)', failure('canceling statement due to statement timeout', '57014')],
    ['an AppError of the service', new AppError('conflict', 'The product changed meanwhile')],
    ['not an error at all', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('when it is %s, then it is not a connection failure', (_name, error) => {
    expect(isConnectionFailure(error)).toBe(false);
  });
});

describe('isPoolExhausted', () => {
  it('when the pool waited for a busy connection, then it is exhausted; a new connection that timed out is not', () => {
    expect(isPoolExhausted(failure('timeout exceeded when trying to connect'))).toBe(true);
    expect(isPoolExhausted(new Error('Connection terminated due to connection timeout'))).toBe(false);
  });
});

describe('databaseUnavailable', () => {
  it('when built, then it is the 503 AppError with Retry-After 1 that keeps its cause', () => {
    const cause = failure('read ECONNRESET', 'ECONNRESET');
    const error = databaseUnavailable(cause);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ type: 'unavailable', detail: 'The database is unavailable; try again shortly', retryAfterSeconds: 1 });
    expect(error.cause).toBe(cause);
  });
});
