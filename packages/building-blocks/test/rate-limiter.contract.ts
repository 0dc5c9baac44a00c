import { uniqueTestTag } from '@shop/testing';
import { utcDayOf, type RateLimitDecision, type RateLimiter } from '../src';

/** A limiter under test, how to let time pass for it, and how to tear it down. */
export interface RateLimiterUnderTest {
  limiter: RateLimiter;
  /**
   * Lets at least `ms` pass on the limiter's clock: moves an injected clock (in memory), or waits on the real one
   * (Redis). The cases keep a quarter of a window between every boundary and the moment they look, so a real wait
   * that overshoots a little (a busy machine) does not change the outcome.
   */
  elapse(ms: number): Promise<void>;
  /** The limiter's clock now, epoch ms (the server's clock is the machine's for a Redis on loopback). */
  now(): number;
  cleanup(): Promise<void>;
}

/** A window short enough to wait for on a real clock, long enough that its quarter (750 ms) absorbs a busy machine. */
const SHORT_WINDOW_MS = 3000;

/** The tiers' default limits per minute (DefaultTierLimitsPerMinute), each hit by more requests at once than it admits. */
const tiers = [
  { tier: 'free', limit: 60, parallel: 100 },
  { tier: 'standard', limit: 600, parallel: 700 },
  { tier: 'premium', limit: 6000, parallel: 6100 },
];

/** Runs the RateLimiter contract against one adapter; every adapter must pass it unchanged. */
export function describeRateLimiterContract(name: string, makeLimiter: () => Promise<RateLimiterUnderTest>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let subject: RateLimiterUnderTest;
    let limiter: RateLimiter;
    let key: string;

    beforeEach(async () => {
      subject = await makeLimiter();
      limiter = subject.limiter;
      // Subjects are unique (and look like API key ids) so suites can share a server.
      key = uniqueTestTag('key');
    });

    afterEach(async () => {
      await subject?.cleanup();
    });

    /** `count` requests of `of` at once (all sent before any answer is awaited). */
    const atOnce = (count: number, limit: number, windowMs: number, of = key) => Promise.all(Array.from({ length: count }, () => limiter.consume(of, limit, windowMs)));

    it.each(tiers)(
      'when $parallel requests of a $tier key ($limit per minute) arrive at once, then exactly $limit are allowed, each with its own remaining count, and the rest are refused',
      async ({ limit, parallel }) => {
        const decisions = await atOnce(parallel, limit, 60_000);
        const allowed = decisions.filter((d) => d.allowed);
        const refused = decisions.filter((d) => !d.allowed);
        expect(allowed).toHaveLength(limit);
        expect(refused).toHaveLength(parallel - limit);
        // Atomic: no two allowed requests saw the same count, so the remaining counts are limit-1 down to 0, once each.
        expect(allowed.map((d) => d.remaining).sort((a, b) => a - b)).toEqual(Array.from({ length: limit }, (_, i) => i));
        for (const decision of decisions) expect(decision.limit).toBe(limit);
        for (const decision of refused) expect(decision.remaining).toBe(0);
        expect(await limiter.usageToday(key)).toMatchObject({ accepted: limit, rejected: parallel - limit });
      },
      60_000,
    );

    it('when requests arrive one after another, then remaining counts down to 0 and the next request is refused', async () => {
      const decisions: RateLimitDecision[] = [];
      for (let request = 0; request < 4; request += 1) decisions.push(await limiter.consume(key, 3, 60_000));
      expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
    });

    it('when requests were refused, then they are not added to the window: capacity returns once the accepted ones have left', async () => {
      const window = SHORT_WINDOW_MS;
      expect((await atOnce(2, 2, window)).every((d) => d.allowed)).toBe(true);
      await subject.elapse(window / 2);
      // Counted, these five would stay in the window until 1.5 windows from the start.
      expect((await atOnce(5, 2, window)).some((d) => d.allowed)).toBe(false);
      await subject.elapse((window * 3) / 4);
      const afterwards = await limiter.consume(key, 2, window);
      expect(afterwards).toMatchObject({ allowed: true, remaining: 1 });
      expect(await limiter.usageToday(key)).toMatchObject({ accepted: 3, rejected: 5 });
    });

    it('when requests came at the start and half a window later, then a window after the start only the first has left (the window slides, it is not a fixed bucket)', async () => {
      const window = SHORT_WINDOW_MS;
      expect(await limiter.consume(key, 2, window)).toMatchObject({ allowed: true, remaining: 1 });
      await subject.elapse(window / 2);
      expect(await limiter.consume(key, 2, window)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.consume(key, 2, window)).toMatchObject({ allowed: false, remaining: 0 });
      // 1.25 windows from the start: the first request has left, the second (until 1.5 windows) has not.
      await subject.elapse((window * 3) / 4);
      expect(await limiter.consume(key, 2, window)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.consume(key, 2, window)).toMatchObject({ allowed: false, remaining: 0 });
      // 1.75 windows: the second has left too; the one accepted at 1.25 windows is still in.
      await subject.elapse(window / 2);
      expect(await limiter.consume(key, 2, window)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('when a request is allowed or refused, then resetSeconds is the whole seconds until the oldest request leaves the window', async () => {
      const window = SHORT_WINDOW_MS;
      expect(await limiter.consume(key, 1, window)).toEqual({ allowed: true, limit: 1, remaining: 0, resetSeconds: 3 });
      expect(await limiter.consume(key, 1, window)).toEqual({ allowed: false, limit: 1, remaining: 0, resetSeconds: 3 });
      await subject.elapse(window / 2);
      // 1.5 s (a little less on a real clock that overshot) until the first request leaves, rounded up.
      const refused = await limiter.consume(key, 1, window);
      expect(refused.allowed).toBe(false);
      expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.resetSeconds).toBeLessThanOrEqual(2);
      // A minute's window: a full minute until the first request of a fresh window leaves it.
      expect(await limiter.consume(`${key}:minute`, 60, 60_000)).toMatchObject({ allowed: true, remaining: 59, resetSeconds: 60 });
    });

    it('when a subject has made requests today, then usageToday counts the accepted and the rejected ones on the UTC day', async () => {
      const before = utcDayOf(subject.now());
      await atOnce(5, 2, 60_000);
      const usage = await limiter.usageToday(key);
      expect(usage).toMatchObject({ accepted: 2, rejected: 3 });
      expect(usage.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect([before, utcDayOf(subject.now())]).toContain(usage.day);
    });

    it('when a subject has made no request, then usageToday answers zeros for today', async () => {
      const usage = await limiter.usageToday(key);
      expect(usage).toEqual({ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), accepted: 0, rejected: 0 });
    });

    it('when one subject has used up its window, then another subject is not affected, and their usage is counted apart', async () => {
      const other = `${key}:other`;
      expect((await atOnce(3, 1, 60_000)).filter((d) => d.allowed)).toHaveLength(1);
      expect(await limiter.consume(other, 1, 60_000)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.usageToday(key)).toMatchObject({ accepted: 1, rejected: 2 });
      expect(await limiter.usageToday(other)).toMatchObject({ accepted: 1, rejected: 0 });
    });

    it('when one subject is limited over two window lengths, then each window counts on its own', async () => {
      expect(await limiter.consume(key, 1, 60_000)).toMatchObject({ allowed: true });
      expect(await limiter.consume(key, 1, 1_000)).toMatchObject({ allowed: true });
      expect(await limiter.consume(key, 1, 60_000)).toMatchObject({ allowed: false });
    });

    it('when the limit, the window or the subject is not usable, then consume rejects with a RangeError and counts nothing', async () => {
      for (const [of, limit, windowMs] of [
        [key, 0, 60_000],
        [key, 1.5, 60_000],
        [key, 10, 0],
        [key, 10, Number.NaN],
        ['', 10, 60_000],
      ] as const) {
        await expect(limiter.consume(of, limit, windowMs)).rejects.toBeInstanceOf(RangeError);
      }
      expect(await limiter.usageToday(key)).toMatchObject({ accepted: 0, rejected: 0 });
      await expect(limiter.usageToday('')).rejects.toBeInstanceOf(RangeError);
    });
  });
}
