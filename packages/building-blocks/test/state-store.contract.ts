import { eventually, uniqueTestTag } from '@shop/testing';
import { EtagMismatchError, type StateStore } from '../src';

/** A store under test and how to tear it down (close connections, delete what the suite wrote). */
export interface StateStoreUnderTest {
  store: StateStore;
  /**
   * Moves the store's clock forward, for a store that takes a clock (the in-memory one). Without it the TTL cases
   * wait for the real clock of the server, polling with a deadline.
   */
  advanceClock?(ms: number): void;
  cleanup(): Promise<void>;
}

/** Runs the StateStore contract against one adapter; every adapter must pass it unchanged. */
export function describeStateStoreContract(name: string, makeStore: () => Promise<StateStoreUnderTest>): void {
  describe(`StateStore contract: ${name}`, () => {
    let subject: StateStoreUnderTest;
    let store: StateStore;
    let key: string;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
      // Keys carry a colon like the services' keys (`cart:<user>`), and are unique so suites can share a server.
      key = `contract:${uniqueTestTag()}`;
    });

    /**
     * Lets `ttlSeconds` pass for `expiringKey`, saved with that TTL just before: on the store's clock when the harness
     * has one (and then the key must still be there a millisecond before), else by polling the server until the key
     * has expired, with a deadline.
     */
    const letTtlPass = async (expiringKey: string, ttlSeconds: number) => {
      if (subject.advanceClock) {
        subject.advanceClock(ttlSeconds * 1000 - 1);
        expect(await store.get(expiringKey)).toBeDefined();
        subject.advanceClock(1);
        return;
      }
      await eventually(async () => (await store.get(expiringKey)) === undefined, ttlSeconds * 1000 + 2000, 25);
    };

    afterEach(async () => {
      await subject?.cleanup();
    });

    it('when a key was never saved, then get answers undefined', async () => {
      expect(await store.get(key)).toBeUndefined();
    });

    it('when a value is saved, then get returns an equal value with the ETag save returned', async () => {
      const value = { items: [{ sku: 'A-1', quantity: 2 }], note: 'ünïcødé ✓', total: { amount: 1999, currency: 'EUR' }, gift: false };
      const etag = await store.save(key, value);
      expect(typeof etag).toBe('string');
      expect(etag).not.toBe('');
      expect(await store.get(key)).toEqual({ key, value, etag });
    });

    it('when a string or a number is saved, then it reads back with its type', async () => {
      await store.save(`${key}:s`, 'plain text');
      await store.save(`${key}:n`, 42);
      expect((await store.get<string>(`${key}:s`))?.value).toBe('plain text');
      expect((await store.get<number>(`${key}:n`))?.value).toBe(42);
      await store.delete(`${key}:s`);
      await store.delete(`${key}:n`);
    });

    it('when a value holding a Date is saved, then it reads back with JSON semantics (an ISO string), as on the wire', async () => {
      const at = new Date('2030-01-02T03:04:05.000Z');
      await store.save(key, { at });
      expect((await store.get<{ at: unknown }>(key))?.value).toEqual({ at: at.toISOString() });
    });

    it('when the value read is mutated by the caller, then the stored value is unchanged', async () => {
      await store.save(key, { quantity: 1 });
      const read = await store.get<{ quantity: number }>(key);
      read!.value.quantity = 99;
      expect((await store.get<{ quantity: number }>(key))?.value).toEqual({ quantity: 1 });
    });

    it('when a key is saved twice, then each save yields a different ETag and get reports the latest', async () => {
      const first = await store.save(key, { n: 1 });
      const second = await store.save(key, { n: 2 });
      const third = await store.save(key, { n: 2 });
      expect(new Set([first, second, third]).size).toBe(3);
      expect((await store.get(key))?.etag).toBe(third);
    });

    it('when saved with the current ETag, then the save succeeds and returns a new ETag', async () => {
      const etag = await store.save(key, { n: 1 });
      const next = await store.save(key, { n: 2 }, { etag });
      expect(next).not.toBe(etag);
      expect(await store.get(key)).toEqual({ key, value: { n: 2 }, etag: next });
    });

    it('when saved with a stale ETag, then it throws EtagMismatchError and the stored value is unchanged', async () => {
      const stale = await store.save(key, { n: 1 });
      const current = await store.save(key, { n: 2 });
      const error = await store.save(key, { n: 3 }, { etag: stale }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EtagMismatchError);
      expect((error as EtagMismatchError).key).toBe(key);
      expect(await store.get(key)).toEqual({ key, value: { n: 2 }, etag: current });
    });

    it('when saved with an ETag for a key that does not exist, then it throws EtagMismatchError and nothing is created', async () => {
      await expect(store.save(key, { n: 1 }, { etag: '12345' })).rejects.toBeInstanceOf(EtagMismatchError);
      expect(await store.get(key)).toBeUndefined();
    });

    it('when saved with a malformed ETag, then it throws EtagMismatchError', async () => {
      await store.save(key, { n: 1 });
      await expect(store.save(key, { n: 2 }, { etag: 'not-a-version' })).rejects.toBeInstanceOf(EtagMismatchError);
      expect((await store.get(key))?.value).toEqual({ n: 1 });
    });

    it('when saved onlyIfAbsent and the key does not exist, then it is created', async () => {
      const etag = await store.save(key, { n: 1 }, { onlyIfAbsent: true });
      expect(await store.get(key)).toEqual({ key, value: { n: 1 }, etag });
    });

    it('when saved onlyIfAbsent and the key exists, then it throws EtagMismatchError and the value is unchanged', async () => {
      const etag = await store.save(key, { n: 1 });
      await expect(store.save(key, { n: 2 }, { onlyIfAbsent: true })).rejects.toBeInstanceOf(EtagMismatchError);
      expect(await store.get(key)).toEqual({ key, value: { n: 1 }, etag });
    });

    it('when onlyIfAbsent is combined with an ETag, then the save is refused as invalid', async () => {
      await expect(store.save(key, { n: 1 }, { onlyIfAbsent: true, etag: '1' })).rejects.toBeInstanceOf(TypeError);
    });

    it('when many writers race to create a key onlyIfAbsent, then exactly one wins', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => store.save(key, { n }, { onlyIfAbsent: true })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(EtagMismatchError);
    });

    it('when saved with a TTL, then the key is readable at first and gone after the TTL', async () => {
      await store.save(key, { n: 1 }, { ttlSeconds: 1 });
      expect((await store.get(key))?.value).toEqual({ n: 1 });
      await letTtlPass(key, 1);
      expect(await store.get(key)).toBeUndefined();
      // An expired key is absent for the guards too.
      await expect(store.save(key, { n: 2 }, { onlyIfAbsent: true })).resolves.toEqual(expect.any(String));
    });

    it('when a key with a TTL is saved again without one, then it no longer expires', async () => {
      await store.save(key, { n: 1 }, { ttlSeconds: 1 });
      await store.save(key, { n: 2 });
      // A marker saved afterwards with the same TTL expires no sooner than the first TTL would have.
      const marker = `${key}:marker`;
      await store.save(marker, true, { ttlSeconds: 1 });
      await letTtlPass(marker, 1);
      expect(await store.get(marker)).toBeUndefined();
      expect((await store.get(key))?.value).toEqual({ n: 2 });
    });

    it('when a key is deleted without an ETag, then it is gone, and deleting it again is not an error', async () => {
      await store.save(key, { n: 1 });
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
      await expect(store.delete(key)).resolves.toBeUndefined();
    });

    it('when deleted with the current ETag, then it is gone', async () => {
      const etag = await store.save(key, { n: 1 });
      await store.delete(key, { etag });
      expect(await store.get(key)).toBeUndefined();
    });

    it('when deleted with a stale ETag, then it throws EtagMismatchError and the key remains', async () => {
      const stale = await store.save(key, { n: 1 });
      const current = await store.save(key, { n: 2 });
      await expect(store.delete(key, { etag: stale })).rejects.toBeInstanceOf(EtagMismatchError);
      expect(await store.get(key)).toEqual({ key, value: { n: 2 }, etag: current });
    });

    it('when deleted with an ETag but the key is already gone, then it is not an error (the goal holds)', async () => {
      const etag = await store.save(key, { n: 1 });
      await store.delete(key);
      await expect(store.delete(key, { etag })).resolves.toBeUndefined();
    });

    it('when a key is deleted and created again, then the ETag from before the delete does not match the new key', async () => {
      const old = await store.save(key, { n: 1 });
      await store.delete(key);
      await store.save(key, { n: 2 });
      await expect(store.save(key, { n: 3 }, { etag: old })).rejects.toBeInstanceOf(EtagMismatchError);
    });

    it('when 50 writers increment one counter in parallel with ETag retry loops, then it ends at exactly 50', async () => {
      await store.save(key, { count: 0 });
      let conflicts = 0;
      const increment = async () => {
        for (;;) {
          const current = await store.get<{ count: number }>(key);
          try {
            await store.save(key, { count: current!.value.count + 1 }, { etag: current!.etag });
            return;
          } catch (error) {
            if (!(error instanceof EtagMismatchError)) throw error;
            conflicts += 1;
          }
        }
      };
      await Promise.all(Array.from({ length: 50 }, increment));
      expect((await store.get<{ count: number }>(key))?.value).toEqual({ count: 50 });
      // Not an assertion on the adapter, a check on the test: the writers really did overlap.
      expect(conflicts).toBeGreaterThan(0);
    });
  });
}
