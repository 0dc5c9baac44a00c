import { InMemoryStateStore } from '@shop/building-blocks';
import { StateStoreLoginThrottle } from './login-throttle';

function throttleAt(clock: { now: number }) {
  const stateStore = new InMemoryStateStore({ now: () => clock.now });
  return new StateStoreLoginThrottle({ stateStore, limits: { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowSeconds: 60 }, now: () => clock.now });
}

describe('StateStoreLoginThrottle', () => {
  it('when fewer failures than the limit were recorded, then attempts are allowed', async () => {
    const throttle = throttleAt({ now: 1_000_000 });
    await throttle.recordFailure('a@example.com', '198.51.100.1');
    await throttle.recordFailure('a@example.com', '198.51.100.1');
    await expect(throttle.check('a@example.com', '198.51.100.1')).resolves.toEqual({ allowed: true });
  });

  it('when the account limit is reached, then attempts are refused until the window ends', async () => {
    const clock = { now: 1_000_000 };
    const throttle = throttleAt(clock);
    for (let i = 0; i < 3; i += 1) await throttle.recordFailure('a@example.com', `198.51.100.${i}`);
    clock.now += 10_000;
    await expect(throttle.check('a@example.com', '198.51.100.99')).resolves.toEqual({ allowed: false, retryAfterSeconds: 50, scope: 'account' });
    clock.now += 50_000;
    await expect(throttle.check('a@example.com', '198.51.100.99')).resolves.toEqual({ allowed: true });
  });

  it('when failures keep coming, then the window does not slide', async () => {
    const clock = { now: 1_000_000 };
    const throttle = throttleAt(clock);
    await throttle.recordFailure('a@example.com', undefined);
    clock.now += 40_000;
    await throttle.recordFailure('a@example.com', undefined);
    await throttle.recordFailure('a@example.com', undefined);
    await expect(throttle.check('a@example.com', undefined)).resolves.toMatchObject({ allowed: false, retryAfterSeconds: 20 });
  });

  it('when 20 failures are recorded concurrently, then all 20 are counted', async () => {
    const clock = { now: 1_000_000 };
    const stateStore = new InMemoryStateStore({ now: () => clock.now });
    const throttle = new StateStoreLoginThrottle({ stateStore, limits: { maxFailuresPerAccount: 20, maxFailuresPerAddress: 100, windowSeconds: 60 }, now: () => clock.now });
    await Promise.all(Array.from({ length: 20 }, () => throttle.recordFailure('a@example.com', '198.51.100.7')));
    await expect(throttle.check('a@example.com', undefined)).resolves.toMatchObject({ allowed: false, scope: 'account' });
    await expect(throttle.check('b@example.com', '198.51.100.7')).resolves.toEqual({ allowed: true });
  });

  it('when the account counter is reset, then the address counter still counts', async () => {
    const throttle = throttleAt({ now: 1_000_000 });
    for (let i = 0; i < 5; i += 1) await throttle.recordFailure(`user${i}@example.com`, '198.51.100.1');
    await throttle.resetAccount('user0@example.com');
    await expect(throttle.check('user0@example.com', '198.51.100.1')).resolves.toMatchObject({ allowed: false, scope: 'address' });
    await expect(throttle.check('user0@example.com', '198.51.100.2')).resolves.toEqual({ allowed: true });
  });
});
