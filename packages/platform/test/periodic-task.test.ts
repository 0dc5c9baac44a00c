import { PeriodicTask } from '@shop/platform';

const quiet = { error: jest.fn() };

// The task is nothing but timers, so the clock is Jest's: a round "takes" 15 ms without anyone waiting for it, and
// a round that must not come is ruled out over hours of simulated time, not a few real milliseconds.
beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

/** A round that takes `ms` on the (fake) clock. */
const takes = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  it('when started, then a round runs at once and then every interval, never two at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const roundStarts: number[] = [];
    const startedAt = Date.now();
    const task = new PeriodicTask({
      name: 'test',
      intervalMs: 10,
      logger: quiet,
      run: async () => {
        roundStarts.push(Date.now() - startedAt);
        active += 1;
        maxActive = Math.max(maxActive, active);
        await takes(15);
        active -= 1;
        return roundStarts.length;
      },
    });
    task.start();
    // Asking for rounds while one runs joins it instead of starting another.
    const asked = Promise.all([task.runOnce(), task.runOnce(), task.runOnce()]);
    await jest.advanceTimersByTimeAsync(90);
    await expect(asked).resolves.toEqual([1, 1, 1]);
    await task.stop();
    // Each round takes 15 ms and the next follows 10 ms after it: rounds start at 0, 25, 50 and 75 (done at 90).
    expect(roundStarts).toEqual([0, 25, 50, 75]);
    expect(maxActive).toBe(1);
  });

  it('when a round fails, then it is logged and the next round still comes', async () => {
    const logger = { error: jest.fn() };
    let calls = 0;
    const task = new PeriodicTask({
      name: 'flaky',
      intervalMs: 5,
      logger,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return calls;
      },
    });
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ task: 'flaky' }), 'flaky round failed');
    await jest.advanceTimersByTimeAsync(5);
    expect(calls).toBe(2);
    await task.stop();
  });

  it('when nudged, or when a round asks for more, then the next round does not wait for the interval', async () => {
    let rounds = 0;
    const task = new PeriodicTask({ name: 'batch', intervalMs: 60_000, logger: quiet, run: async () => ++rounds, runAgainAtOnce: (n) => n < 3 });
    // A second is nothing next to the one-minute interval: a round within it came at once.
    task.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(3);
    task.nudge();
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(4);
    await task.stop();
    task.nudge();
    // Two whole intervals later, still nothing: a stopped task ignores nudges and schedules no round.
    await jest.advanceTimersByTimeAsync(120_000);
    expect(rounds).toBe(4);
  });

  it('when stopped during a round, then stop waits for it', async () => {
    let finished = false;
    let stopped = false;
    const task = new PeriodicTask({
      name: 'slow',
      intervalMs: 1000,
      logger: quiet,
      run: async () => {
        await takes(30);
        finished = true;
      },
    });
    task.start();
    await jest.advanceTimersByTimeAsync(5);
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(24);
    expect({ finished, stopped }).toEqual({ finished: false, stopped: false });
    await jest.advanceTimersByTimeAsync(1);
    await stopping;
    expect({ finished, stopped }).toEqual({ finished: true, stopped: true });
  });
});
