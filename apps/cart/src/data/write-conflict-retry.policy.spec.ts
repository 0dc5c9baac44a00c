import { EtagMismatchError } from '@shop/building-blocks';
import { StaleCartError } from '../domain/ports';
import { CockatielWriteConflictRetry } from './write-conflict-retry.policy';

describe('CockatielWriteConflictRetry', () => {
  it('when every attempt loses to another writer, then it gives up after maxAttempts attempts with the last conflict', async () => {
    const retry = new CockatielWriteConflictRetry({ maxAttempts: 3 });
    let attempts = 0;
    const last = new StaleCartError();
    await expect(
      retry.execute(() => {
        attempts += 1;
        return Promise.reject(attempts === 3 ? last : new StaleCartError());
      }),
    ).rejects.toBe(last);
    expect(attempts).toBe(3);
  });

  it("when an attempt loses, then the next one runs and its answer is the answer; the state store's conflict counts too", async () => {
    const retry = new CockatielWriteConflictRetry({ maxAttempts: 5 });
    let attempts = 0;
    const answer = await retry.execute(() => {
      attempts += 1;
      if (attempts === 1) return Promise.reject(new StaleCartError());
      if (attempts === 2) return Promise.reject(new EtagMismatchError('cart:activity:2030010100:3'));
      return Promise.resolve('saved');
    });
    expect(answer).toBe('saved');
    expect(attempts).toBe(3);
  });

  it('when an attempt fails with anything but a conflict, then it is not run again', async () => {
    const retry = new CockatielWriteConflictRetry({ maxAttempts: 5 });
    let attempts = 0;
    const failure = new Error('redis is down');
    await expect(
      retry.execute(() => {
        attempts += 1;
        return Promise.reject(failure);
      }),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
  });

  it('when one attempt is allowed, then a conflict is thrown at once', async () => {
    const retry = new CockatielWriteConflictRetry({ maxAttempts: 1 });
    let attempts = 0;
    await expect(
      retry.execute(() => {
        attempts += 1;
        return Promise.reject(new StaleCartError());
      }),
    ).rejects.toBeInstanceOf(StaleCartError);
    expect(attempts).toBe(1);
  });
});
