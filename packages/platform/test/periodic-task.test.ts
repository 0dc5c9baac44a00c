import { PeriodicTask } from '@shop/platform';
import { eventually } from '@shop/testing';

const quiet = { error: jest.fn() };

describe('PeriodicTask', () => {
  it('when started, then a round runs at once and then every interval, never two at a time', async () => {
    let active = 0;
    let maxActive = 0;
    let rounds = 0;
    const task = new PeriodicTask({
      name: 'test',
      intervalMs: 10,
      logger: quiet,
      run: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 15));
        active -= 1;
        return ++rounds;
      },
    });
    task.start();
    await Promise.all([task.runOnce(), task.runOnce(), task.runOnce()]);
    await eventually(() => rounds >= 4);
    await task.stop();
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
    await eventually(() => calls >= 2);
    await task.stop();
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ task: 'flaky' }), 'flaky round failed');
  });

  it('when nudged, or when a round asks for more, then the next round does not wait for the interval', async () => {
    let rounds = 0;
    const task = new PeriodicTask({ name: 'batch', intervalMs: 60_000, logger: quiet, run: async () => ++rounds, runAgainAtOnce: (n) => n < 3 });
    task.start();
    await eventually(() => rounds === 3);
    task.nudge();
    await eventually(() => rounds === 4);
    await task.stop();
    task.nudge();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rounds).toBe(4);
  });

  it('when stopped during a round, then stop waits for it', async () => {
    let finished = false;
    const task = new PeriodicTask({
      name: 'slow',
      intervalMs: 1000,
      logger: quiet,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        finished = true;
      },
    });
    task.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await task.stop();
    expect(finished).toBe(true);
  });
});
