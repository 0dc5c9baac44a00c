import { systemClock } from './composition';

describe('the system clock of the checkout', () => {
  it('when a wait is called off, or was called off before it began, then it ends at once', async () => {
    const started = Date.now();
    const calledOff = new AbortController();
    const waiting = systemClock.wait(60_000, calledOff.signal);
    calledOff.abort();
    await waiting;
    await systemClock.wait(60_000, AbortSignal.abort());
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('when nothing calls a wait off, then it lasts its time', async () => {
    const started = systemClock.now();
    await systemClock.wait(30);
    expect(systemClock.now() - started).toBeGreaterThanOrEqual(29);
  });
});
