import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { InMemoryStateStore, RedisStateStore, type StateStore } from '@shop/building-blocks';
import { AuthInternalPaths, EventTypes } from '@shop/contracts';
import { describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { ServiceClient } from '../../src/jobs/service-client';
import { OutboxFolderEmailSender, type EmailMessage, type EmailSender } from '../../src/notifications/email-sender';
import type { ClaimOutcome, NotificationClaims, NotificationKey } from '../../src/notifications/notification-claims';
import { NotificationInProgressError, Notifier, type IncomingEvent } from '../../src/notifications/notifier';
import { inMemoryNotificationClaims, StateStoreNotificationClaims, type NotificationClaimLifetimes } from '../../src/notifications/state-store-notification-claims';
import { startFakeService, type FakeService } from '../jobs/fake-service';

const context = () => new InvocationContext({ functionName: 'notify', invocationId: 'test', logHandler: () => undefined });
const orderConfirmed = (id: string): IncomingEvent => ({
  id,
  type: EventTypes.orderConfirmed,
  data: { orderId: 'order-7', userId: 'user-1', status: 'confirmed', lines: [{ productId: 'p-1', quantity: 1 }], total: { amount: 1000, currency: 'EUR' } },
});
const keyOf = (eventId: string): NotificationKey => ({ kind: EventTypes.orderConfirmed, eventId, recipient: 'dana@example.com' });

/** Claims whose every attempt is seen by the test, so it can act once two workers have reached the store. */
function observedClaims(inner: NotificationClaims, onClaim: (outcome: ClaimOutcome) => void): NotificationClaims {
  return {
    claim: async (key) => {
      const outcome = await inner.claim(key);
      onClaim(outcome);
      return outcome;
    },
    markSent: (claim) => inner.markSent(claim),
    release: (claim) => inner.release(claim),
    close: () => inner.close(),
  };
}

/** A sender that fails its first `failures` sends, then writes into the outbox. */
function flakySender(outbox: EmailSender, failures: number): EmailSender {
  let left = failures;
  return {
    send: async (message: EmailMessage) => {
      if (left > 0) {
        left -= 1;
        throw new Error('mail service unavailable');
      }
      await outbox.send(message);
    },
  };
}

/**
 * The claims contract and the exactly-once behaviour of notifiers sharing one claims store, for each adapter.
 * `openClaims` gives a new handle on the SAME store each call (as a second worker process would have).
 */
function describeSharedClaims(title: string, openClaims: (lifetimes?: Partial<NotificationClaimLifetimes>) => NotificationClaims): void {
  describe(title, () => {
    let auth: FakeService;
    let outbox: string;
    const opened: NotificationClaims[] = [];
    const claims = (lifetimes?: Partial<NotificationClaimLifetimes>) => {
      const handle = openClaims(lifetimes);
      opened.push(handle);
      return handle;
    };
    const emails = () => readdirSync(outbox).filter((name) => name.endsWith('.eml'));
    const outboxSender = () => new OutboxFolderEmailSender({ folder: outbox, senderAddress: 'no-reply@shop.test' });
    const notifier = (deps: { claims: NotificationClaims; email?: EmailSender; maxWaitMs?: number }) =>
      new Notifier({
        auth: new ServiceClient({ baseUrl: auth.url, maxRetries: 0 }),
        email: deps.email ?? outboxSender(),
        claims: deps.claims,
        claimWait: { pollMs: 5, maxMs: deps.maxWaitMs ?? 10_000 },
        shopPublicUrl: 'https://shop.test',
      });

    beforeEach(async () => {
      auth = await startFakeService();
      auth.answer('GET', AuthInternalPaths.user('user-1'), { id: 'user-1', email: 'dana@example.com', name: 'Dana' });
      outbox = mkdtempSync(path.join(tmpdir(), 'claims-outbox-'));
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((handle) => handle.close()));
      await auth.close();
      rmSync(outbox, { recursive: true, force: true });
    });

    it('when many workers claim the same e-mail at once, then exactly one gets it', async () => {
      const workers = Array.from({ length: 8 }, () => claims());
      const eventId = uniqueTestTag('evt');
      const outcomes = await Promise.all(workers.map((worker) => worker.claim(keyOf(eventId))));
      expect(outcomes.filter((outcome) => outcome.kind === 'claimed')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.kind === 'in_progress')).toHaveLength(7);
    });

    it('when the claim is marked sent, then it reads as sent; when released, then the next worker claims it', async () => {
      const [first, second] = [claims(), claims()];
      const sent = uniqueTestTag('evt');
      const firstClaim = await first.claim(keyOf(sent));
      if (firstClaim.kind !== 'claimed') throw new Error(`expected a claim, got ${firstClaim.kind}`);
      await expect(first.markSent(firstClaim.claim)).resolves.toBe(true);
      await expect(second.claim(keyOf(sent))).resolves.toEqual({ kind: 'already_sent' });

      const released = uniqueTestTag('evt');
      const failed = await first.claim(keyOf(released));
      if (failed.kind !== 'claimed') throw new Error(`expected a claim, got ${failed.kind}`);
      await first.release(failed.claim);
      await expect(second.claim(keyOf(released))).resolves.toMatchObject({ kind: 'claimed' });
    });

    it('when a sending lease lapses and another worker takes over, then the late worker can neither mark nor release it', async () => {
      const [late, takeover] = [claims({ sendingLeaseSeconds: 0.2 }), claims({ sendingLeaseSeconds: 60 })];
      const eventId = uniqueTestTag('evt');
      const stale = await late.claim(keyOf(eventId));
      if (stale.kind !== 'claimed') throw new Error(`expected a claim, got ${stale.kind}`);
      const fresh = await eventually(async () => {
        const outcome = await takeover.claim(keyOf(eventId));
        return outcome.kind === 'claimed' && outcome;
      });
      await expect(late.markSent(stale.claim)).resolves.toBe(false);
      await late.release(stale.claim);
      await expect(late.claim(keyOf(eventId))).resolves.toEqual({ kind: 'in_progress' });
      await expect(takeover.markSent(fresh.claim)).resolves.toBe(true);
    });

    it('when two notifier workers receive the same event at the same time, then exactly one e-mail is sent', async () => {
      let gateOpen!: () => void;
      const gate = new Promise<void>((resolve) => (gateOpen = resolve));
      let claimsSeen = 0;
      let sendsStarted = 0;
      // A send is held until both workers have reached the claims store (or both are sending), so the two really overlap.
      const held: EmailSender = {
        send: async (message) => {
          sendsStarted += 1;
          if (sendsStarted >= 2) gateOpen();
          await gate;
          await outboxSender().send(message);
        },
      };
      const onClaim = () => {
        claimsSeen += 1;
        if (claimsSeen >= 2) gateOpen();
      };
      const workerA = notifier({ claims: observedClaims(claims(), onClaim), email: held });
      const workerB = notifier({ claims: observedClaims(claims(), onClaim), email: held });
      const event = orderConfirmed(uniqueTestTag('evt'));
      const outcomes = await Promise.all([workerA.handle(event, context()), workerB.handle(event, context())]);
      expect(outcomes.sort()).toEqual(['duplicate', 'sent']);
      expect(emails()).toHaveLength(1);
      // A later redelivery to either worker sends nothing either.
      await expect(workerB.handle(event, context())).resolves.toBe('duplicate');
      expect(emails()).toHaveLength(1);
    });

    it('when the send fails, then the claim is released and a redelivery (to another worker) sends the e-mail', async () => {
      const failing = notifier({ claims: claims(), email: flakySender(outboxSender(), 1) });
      const other = notifier({ claims: claims() });
      const event = orderConfirmed(uniqueTestTag('evt'));
      await expect(failing.handle(event, context())).rejects.toThrow(/mail service unavailable/);
      expect(emails()).toHaveLength(0);
      await expect(other.handle(event, context())).resolves.toBe('sent');
      await expect(failing.handle(event, context())).resolves.toBe('duplicate');
      expect(emails()).toHaveLength(1);
    });

    it('when a worker died between claim and send, then another worker sends the e-mail once the lease lapses', async () => {
      const eventId = uniqueTestTag('evt');
      const dead = await claims({ sendingLeaseSeconds: 0.3 }).claim(keyOf(eventId));
      expect(dead.kind).toBe('claimed');
      await expect(notifier({ claims: claims() }).handle(orderConfirmed(eventId), context())).resolves.toBe('sent');
      expect(emails()).toHaveLength(1);
    });

    it('when another worker still sends after the whole wait, then the event is given back to be redelivered, and the redelivery is a duplicate', async () => {
      const holder = claims();
      const eventId = uniqueTestTag('evt');
      const held = await holder.claim(keyOf(eventId));
      if (held.kind !== 'claimed') throw new Error(`expected a claim, got ${held.kind}`);
      const impatient = notifier({ claims: claims(), maxWaitMs: 0 });
      await expect(impatient.handle(orderConfirmed(eventId), context())).rejects.toBeInstanceOf(NotificationInProgressError);
      await holder.markSent(held.claim);
      await expect(impatient.handle(orderConfirmed(eventId), context())).resolves.toBe('duplicate');
      expect(emails()).toHaveLength(0);
    });
  });
}

describe('durable notification claims', () => {
  // One store shared by every handle of the suite, as one Redis is shared by the worker processes; a handle's close
  // must not clear what the other handles see.
  const sharedMemory = new InMemoryStateStore();
  const unclosable = (store: StateStore): StateStore => ({
    get: (key) => store.get(key),
    save: (key, value, options) => store.save(key, value, options),
    delete: (key, options) => store.delete(key, options),
    close: () => Promise.resolve(),
  });
  describeSharedClaims('in memory (one process)', (lifetimes) => new StateStoreNotificationClaims({ store: unclosable(sharedMemory), ...lifetimes }));

  describeWithBackend('redis', 'on Redis (workers in separate processes)', (redisUrl) => {
    const keyPrefix = `${uniqueTestTag('claims')}:`;
    describeSharedClaims('shared Redis', (lifetimes) => new StateStoreNotificationClaims({ store: new RedisStateStore({ url: redisUrl, keyPrefix }), sentRetentionSeconds: 60, ...lifetimes }));
  });

  it('when no store is given, then the in-memory claims dedupe within the process', async () => {
    const claims = inMemoryNotificationClaims();
    const first = await claims.claim(keyOf('evt-local'));
    if (first.kind !== 'claimed') throw new Error(`expected a claim, got ${first.kind}`);
    await claims.markSent(first.claim);
    await expect(claims.claim(keyOf('evt-local'))).resolves.toEqual({ kind: 'already_sent' });
    await claims.close();
  });
});
