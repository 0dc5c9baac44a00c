import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { AuthInternalPaths, EventTypes, Topics } from '@shop/contracts';
import { ServiceClient } from '../../src/jobs/service-client';
import { OutboxFolderEmailSender } from '../../src/notifications/email-sender';
import { createServiceBusHandler } from '../../src/notifications/functions';
import { Notifier } from '../../src/notifications/notifier';
import { inMemoryNotificationClaims } from '../../src/notifications/state-store-notification-claims';
import { startFakeService, type FakeService } from '../jobs/fake-service';
import { readEml } from './eml';

/** Every line the functions log through their invocation contexts, to look for secrets in. */
const logged: string[] = [];
const context = () =>
  new InvocationContext({ functionName: 'notify', invocationId: 'test', logHandler: (level, ...args) => void logged.push(`${level} ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`) });
const cloudEvent = (type: string, data: unknown, id = `evt-${Math.random()}`) => ({
  specversion: '1.0',
  id,
  source: 'test',
  type,
  time: '2024-03-04T10:00:00.000Z',
  datacontenttype: 'application/json',
  data,
});
const admins = [
  { id: 'admin-1', email: 'alice@example.com', name: 'Alice' },
  { id: 'admin-2', email: 'bob@example.com', name: 'Bob' },
  { id: 'admin-3', email: 'carol@example.com', name: 'Carol' },
];
/** A product id as catalog's events carry it (a UUID). */
const productId = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const orderData = (status: string) => ({ orderId: 'order-7', userId: 'user-1', status, lines: [{ productId: 'p-1', quantity: 2 }, { productId: 'p-2', quantity: 1 }], total: { amount: 123456, currency: 'EUR' } });

describe('notifications', () => {
  let auth: FakeService;
  let outbox: string;
  let handle: (topic: (typeof Topics)[keyof typeof Topics], message: unknown) => Promise<void>;
  const emails = () =>
    readdirSync(outbox)
      .filter((name) => name.endsWith('.eml'))
      .sort()
      .map((name) => readEml(path.join(outbox, name)));

  beforeEach(async () => {
    auth = await startFakeService();
    auth.answer('GET', AuthInternalPaths.admins, { items: admins });
    auth.answer('GET', AuthInternalPaths.user('user-1'), { id: 'user-1', email: 'dana@example.com', name: 'Dana' });
    outbox = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    const notifier = new Notifier({
      auth: new ServiceClient({ baseUrl: auth.url, appApiToken: 'tkn', maxRetries: 1, initialRetryDelayMs: 1 }),
      email: new OutboxFolderEmailSender({ folder: outbox, senderAddress: 'no-reply@shop.test' }),
      claims: inMemoryNotificationClaims(),
      shopPublicUrl: 'https://shop.example.com',
    });
    logged.length = 0;
    handle = (topic, message) => createServiceBusHandler(notifier, topic)(message, context());
  });
  afterEach(async () => {
    await auth.close();
    rmSync(outbox, { recursive: true, force: true });
  });

  it('when an admin updates a product, then every other admin gets an email saying what changed, and the actor none', async () => {
    await handle(
      Topics.products,
      cloudEvent(EventTypes.productUpdated, { productId, sku: 'BK-1', version: 2, changes: { name: 'New name', price: { amount: 1999, currency: 'EUR' } }, actor: { userId: 'admin-2', email: 'bob@example.com' } }),
    );
    const sent = emails();
    expect(sent.map((email) => email.headers.to).sort()).toEqual(['alice@example.com', 'carol@example.com']);
    for (const email of sent) {
      expect(email.headers.from).toBe('no-reply@shop.test');
      expect(email.headers.subject).toBe('Product BK-1 was updated');
      expect(email.headers['mime-version']).toBe('1.0');
      expect(email.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(email.headers.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
      expect(email.headers['message-id']).toMatch(/^<[0-9a-f-]+@shop\.test>$/);
      expect(email.body).toContain('updated by bob@example.com');
      expect(email.body).toContain('- name: New name');
      expect(email.body).toContain('- price: €19.99');
      expect(email.body).not.toContain('tkn');
    }
    expect(auth.calls.every((call) => call.token === 'tkn')).toBe(true);
  });

  it('when the sync (a system) updates a product, then every admin gets an email', async () => {
    await handle(Topics.products, cloudEvent(EventTypes.productUpdated, { productId, sku: 'BK-1', version: 5, changes: { stock: 3 }, actor: { system: 'catalog-sync', source: 'erp' } }));
    expect(emails().map((email) => email.headers.to).sort()).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
  });

  it('when an order is confirmed and then shipped, then the customer gets one email for each with the total from minor units', async () => {
    await handle(Topics.orders, cloudEvent(EventTypes.orderConfirmed, orderData('confirmed')));
    await handle(Topics.orders, orderData('shipped')); // bare data, as a producer without the envelope would send it
    const [confirmed, shipped] = emails();
    expect(confirmed.headers.to).toBe('dana@example.com');
    expect(confirmed.headers.subject).toBe('Your order order-7 is confirmed');
    expect(confirmed.body).toContain('Hello Dana,');
    expect(confirmed.body).toContain('Items: 3');
    expect(confirmed.body).toContain('Total: €1,234.56');
    expect(shipped.headers.subject).toBe('Your order order-7 has shipped');
    expect(auth.calls.filter((call) => call.path === AuthInternalPaths.user('user-1'))).toHaveLength(2);
  });

  it('when a cart is abandoned, then the customer gets one reminder', async () => {
    await handle(Topics.carts, cloudEvent(EventTypes.cartAbandoned, { userId: 'user-1', itemCount: 2, subtotal: { amount: 500, currency: 'JPY' }, lastUpdatedAt: '2024-03-04T08:00:00Z' }));
    const [reminder, ...rest] = emails();
    expect(rest).toHaveLength(0);
    expect(reminder.headers.subject).toBe('You left 2 items in your cart');
    expect(reminder.body).toContain('subtotal ¥500');
  });

  it('when someone registers an address that already has an account, then its owner gets one e-mail saying so (and how to get back in)', async () => {
    const attempt = { userId: 'user-1', email: 'dana@example.com', name: 'Dana', attemptedAt: '2024-03-04T10:00:00.000Z' };
    await handle(Topics.users, cloudEvent(EventTypes.userRegistrationRepeated, attempt, 'evt-repeat'));
    await handle(Topics.users, cloudEvent(EventTypes.userRegistrationRepeated, attempt, 'evt-repeat'));
    await handle(Topics.users, cloudEvent(EventTypes.userRegistered, { userId: 'user-2', email: 'erin@example.com', name: 'Erin', registeredAt: '2024-03-04T10:00:00.000Z' }));
    const [email, ...rest] = emails();
    expect(rest).toHaveLength(0);
    expect(email.headers.to).toBe('dana@example.com');
    expect(email.headers.subject).toBe('Someone tried to create an account with your address');
    expect(email.body).toContain('Hello Dana,');
    expect(email.body).toContain('Someone tried to create a new account with this e-mail address (dana@example.com) on March 4, 2024');
    expect(email.body).toMatch(/If it was you: .*Sign in, or reset your password/);
    expect(auth.calls).toHaveLength(0);
  });

  it('when a password reset is requested, then the owner gets one e-mail with the link to the reset page, the token in its fragment and in no log line', async () => {
    const token = 'Zm9yZ290dGVuLXBhc3N3b3JkLXRva2VuLTMyYnl0ZXM';
    const requested = { userId: 'user-1', email: 'dana@example.com', name: 'Dana', token, requestedAt: '2024-03-04T10:00:00.000Z', expiresAt: '2024-03-04T10:30:00.000Z' };
    await handle(Topics.users, cloudEvent(EventTypes.userPasswordResetRequested, requested, 'evt-reset'));
    await handle(Topics.users, cloudEvent(EventTypes.userPasswordResetRequested, requested, 'evt-reset'));
    const [email, ...rest] = emails();
    expect(rest).toHaveLength(0);
    expect(email.headers.to).toBe('dana@example.com');
    expect(email.headers.subject).toBe('Reset your password');
    expect(email.body).toContain('Hello Dana,');
    expect(email.body).toContain(`\r\nhttps://shop.example.com/account/reset-password#token=${token}\r\n`);
    expect(email.body).toContain('The link works once, until March 4, 2024 at 10:30:00 AM UTC');
    expect(email.body).toContain('If you did not ask for it, ignore this e-mail');
    expect(auth.calls).toHaveLength(0);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line).not.toContain(token);
  });

  it('when an e-mail address is to be verified, then its owner gets one e-mail with the link to the verification page, and no log line has the token', async () => {
    const token = 'dmVyaWZ5LXRoaXMtYWRkcmVzcy1wbGVhc2UtMzJieXQ';
    const requested = { userId: 'user-2', email: 'erin@example.com', name: 'Erin', token, requestedAt: '2024-03-04T10:00:00.000Z', expiresAt: '2024-03-05T10:00:00.000Z' };
    await handle(Topics.users, cloudEvent(EventTypes.userEmailVerificationRequested, requested, 'evt-verify'));
    const [email, ...rest] = emails();
    expect(rest).toHaveLength(0);
    expect(email.headers.to).toBe('erin@example.com');
    expect(email.headers.subject).toBe('Confirm your e-mail address');
    expect(email.body).toContain(`\r\nhttps://shop.example.com/account/verify-email#token=${token}\r\n`);
    expect(email.body).toContain('until March 5, 2024');
    for (const line of logged) expect(line).not.toContain(token);
  });

  it('when an account e-mail event lacks its token or has a malformed one, then nothing is sent and the log does not echo its data', async () => {
    const secretish = 'not-a-valid-expiry-but-secret-looking';
    await handle(Topics.users, cloudEvent(EventTypes.userPasswordResetRequested, { userId: 'user-1', email: 'dana@example.com', name: 'Dana', requestedAt: '2024-03-04T10:00:00.000Z', expiresAt: '2024-03-04T10:30:00.000Z' }));
    await handle(Topics.users, cloudEvent(EventTypes.userEmailVerificationRequested, { userId: 'user-1', email: 'dana@example.com', name: 'Dana', token: secretish, requestedAt: '2024-03-04T10:00:00.000Z', expiresAt: 'tomorrow' }));
    expect(emails()).toHaveLength(0);
    expect(logged.filter((line) => line.includes('has data we cannot read'))).toHaveLength(2);
    for (const line of logged) expect(line).not.toContain(secretish);
  });

  it('when the same event id arrives twice, then only one email is sent', async () => {
    const event = cloudEvent(EventTypes.orderConfirmed, orderData('confirmed'), 'evt-dup');
    await handle(Topics.orders, event);
    await handle(Topics.orders, event);
    expect(emails()).toHaveLength(1);
  });

  it('when an event type sends no email or its data is unusable, then it is ignored without email or error', async () => {
    await handle(Topics.orders, cloudEvent(EventTypes.orderPlaced, orderData('placed')));
    await handle(Topics.orders, cloudEvent(EventTypes.orderConfirmed, { orderId: 'no-user' }));
    // Not the payload its contract describes: a confirmation whose status says otherwise, a product change without its version.
    await handle(Topics.orders, cloudEvent(EventTypes.orderConfirmed, orderData('shipped')));
    await handle(Topics.products, cloudEvent(EventTypes.productUpdated, { productId, sku: 'BK-1', changes: { name: 'x' }, actor: { system: 'catalog-sync' } }));
    await handle(Topics.orders, 'not json');
    expect(emails()).toHaveLength(0);
    expect(auth.calls).toHaveLength(0);
  });

  it('when auth is down, then the handler throws so the host retries, and a later delivery sends the email', async () => {
    const event = cloudEvent(EventTypes.orderConfirmed, orderData('confirmed'), 'evt-auth-down');
    const user = { id: 'user-1', email: 'dana@example.com', name: 'Dana' };
    auth.answer('GET', AuthInternalPaths.user('user-1'), { title: 'unavailable' }, 503);
    await expect(handle(Topics.orders, event)).rejects.toThrow(/503/);
    expect(emails()).toHaveLength(0);
    auth.answer('GET', AuthInternalPaths.user('user-1'), user);
    await handle(Topics.orders, event);
    expect(emails()).toHaveLength(1);
  });

  it('when auth answers a contact that is not one, then the handler fails saying so (and nothing is sent)', async () => {
    auth.answer('GET', AuthInternalPaths.user('user-1'), { id: 'user-1', name: 'Dana' });
    await expect(handle(Topics.orders, cloudEvent(EventTypes.orderConfirmed, orderData('confirmed')))).rejects.toThrow(
      /answered a reply that does not match AuthUserContact:[\s\S]*email/,
    );
    auth.answer('GET', AuthInternalPaths.admins, [admins[0]]);
    await expect(handle(Topics.products, cloudEvent(EventTypes.productUpdated, { productId, sku: 'BK-1', version: 2, changes: { name: 'x' }, actor: { system: 'catalog-sync' } }))).rejects.toThrow(
      /answered a reply that does not match AuthAdminContacts/,
    );
    expect(emails()).toHaveLength(0);
  });

  it('when auth does not know the customer, then the event is ignored (logged), not retried', async () => {
    await handle(Topics.orders, cloudEvent(EventTypes.orderConfirmed, { ...orderData('confirmed'), userId: 'ghost' }));
    expect(emails()).toHaveLength(0);
  });
});
