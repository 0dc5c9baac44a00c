import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryBroker, InMemoryEventBus } from '@shop/building-blocks';
import { AuthInternalPaths, EventTypes, Topics } from '@shop/contracts';
import { inMemoryNotificationClaims, startLocalFunctions, type NotificationClaims } from '../../src/local';
import { startFakeService } from '../jobs/fake-service';
import { readEml } from './eml';

import { silentLogger as quietLogger } from '@shop/kernel';

describe('local functions (npm start)', () => {
  it('when an order.confirmed event is published on the bus, then an .eml for the customer appears, and stop() is clean', async () => {
    const fake = await startFakeService();
    fake.answer('GET', AuthInternalPaths.user('user-1'), { id: 'user-1', email: 'dana@example.com', name: 'Dana' });
    const dir = mkdtempSync(path.join(tmpdir(), 'local-functions-'));
    const broker = new InMemoryBroker();
    const order = new InMemoryEventBus({ source: 'order', broker });
    const local = await startLocalFunctions({
      eventBus: new InMemoryEventBus({ source: 'functions', broker }),
      serviceUrls: { catalog: fake.url, cart: fake.url, order: fake.url, auth: fake.url },
      logger: quietLogger,
      appApiToken: 'tkn',
      emailOutboxDir: path.join(dir, 'outbox'),
      reportsDir: path.join(dir, 'reports'),
    });
    try {
      await order.publish(Topics.orders, {
        type: EventTypes.orderConfirmed,
        subject: 'order-9',
        data: { orderId: 'order-9', userId: 'user-1', status: 'confirmed', lines: [{ productId: 'p', quantity: 1 }], total: { amount: 1000, currency: 'USD' } },
      });
      await broker.whenIdle();
      const files = readdirSync(path.join(dir, 'outbox')).filter((name) => name.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const email = readEml(path.join(dir, 'outbox', files[0]));
      expect(email.headers.to).toBe('dana@example.com');
      expect(email.headers.subject).toBe('Your order order-9 is confirmed');
      expect(fake.calls).toEqual([{ method: 'GET', path: AuthInternalPaths.user('user-1'), token: 'tkn', body: undefined }]);
    } finally {
      await local.stop();
      await local.stop();
      await order.close();
      await broker.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when claims are passed in, then every e-mail is claimed there (so processes sharing them send once) and stop() closes them', async () => {
    const fake = await startFakeService();
    fake.answer('GET', AuthInternalPaths.user('user-1'), { id: 'user-1', email: 'dana@example.com', name: 'Dana' });
    const dir = mkdtempSync(path.join(tmpdir(), 'local-functions-'));
    const broker = new InMemoryBroker();
    const order = new InMemoryEventBus({ source: 'order', broker });
    const inner = inMemoryNotificationClaims();
    const claimed: string[] = [];
    let closed = false;
    const claims: NotificationClaims = {
      claim: (key) => {
        claimed.push(`${key.kind} ${key.recipient}`);
        return inner.claim(key);
      },
      markSent: (claim) => inner.markSent(claim),
      release: (claim) => inner.release(claim),
      close: () => {
        closed = true;
        return inner.close();
      },
    };
    const local = await startLocalFunctions({
      eventBus: new InMemoryEventBus({ source: 'functions', broker }),
      serviceUrls: { catalog: fake.url, cart: fake.url, order: fake.url, auth: fake.url },
      logger: quietLogger,
      emailOutboxDir: path.join(dir, 'outbox'),
      reportsDir: path.join(dir, 'reports'),
      notificationClaims: claims,
    });
    try {
      await order.publish(Topics.orders, {
        type: EventTypes.orderConfirmed,
        subject: 'order-9',
        data: { orderId: 'order-9', userId: 'user-1', status: 'confirmed', lines: [{ productId: 'p', quantity: 1 }], total: { amount: 1000, currency: 'USD' } },
      });
      await broker.whenIdle();
      expect(claimed).toEqual([`${EventTypes.orderConfirmed} dana@example.com`]);
      expect(readdirSync(path.join(dir, 'outbox')).filter((name) => name.endsWith('.eml'))).toHaveLength(1);
    } finally {
      await local.stop();
      await order.close();
      await broker.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(closed).toBe(true);
  });
});
