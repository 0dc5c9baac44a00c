import { InMemoryRateLimiter } from '../src';
import { describeRateLimiterContract } from './rate-limiter.contract';

describeRateLimiterContract('InMemoryRateLimiter', async () => {
  // The limiter's own clock, moved by the sliding cases instead of waiting for the wall clock.
  let now = Date.now();
  const limiter = new InMemoryRateLimiter({ now: () => now });
  return {
    limiter,
    elapse: async (ms) => {
      now += ms;
    },
    now: () => now,
    cleanup: () => limiter.close(),
  };
});

describe('InMemoryRateLimiter on its own clock', () => {
  let now: number;
  let limiter: InMemoryRateLimiter;

  beforeEach(() => {
    now = Date.parse('2030-03-14T12:00:00.000Z');
    limiter = new InMemoryRateLimiter({ now: () => now });
  });

  afterEach(() => limiter.close());

  it('when a request is one millisecond short of a window old, then it still counts; at exactly a window old it has left', async () => {
    expect(await limiter.consume('k', 1, 60_000)).toMatchObject({ allowed: true, resetSeconds: 60 });
    now += 59_999;
    // Refused one millisecond before the first request leaves: resetSeconds rounds up to 1, never 0.
    expect(await limiter.consume('k', 1, 60_000)).toEqual({ allowed: false, limit: 1, remaining: 0, resetSeconds: 1 });
    now += 1;
    expect(await limiter.consume('k', 1, 60_000)).toEqual({ allowed: true, limit: 1, remaining: 0, resetSeconds: 60 });
  });

  it('when an allowed request leaves room, then resetSeconds is the time until the oldest one leaves, not until the newest', async () => {
    await limiter.consume('k', 3, 60_000);
    now += 20_500;
    expect(await limiter.consume('k', 3, 60_000)).toEqual({ allowed: true, limit: 3, remaining: 1, resetSeconds: 40 });
  });

  it('when the UTC day changes, then usageToday starts the new day at zero', async () => {
    now = Date.parse('2030-03-14T23:59:59.500Z');
    await limiter.consume('k', 1, 60_000);
    await limiter.consume('k', 1, 60_000);
    expect(await limiter.usageToday('k')).toEqual({ day: '2030-03-14', accepted: 1, rejected: 1 });
    now += 1000;
    expect(await limiter.usageToday('k')).toEqual({ day: '2030-03-15', accepted: 0, rejected: 0 });
    // The window does not care about days: the request of 23:59:59.5 still fills it.
    expect(await limiter.consume('k', 1, 60_000)).toMatchObject({ allowed: false });
    expect(await limiter.usageToday('k')).toEqual({ day: '2030-03-15', accepted: 0, rejected: 1 });
  });
});
