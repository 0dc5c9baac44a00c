import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@shop/platform';
import { jsonClient } from '@shop/testing';
import { loadLauncherConfig } from '../src/config';
import { startEmbeddedPlatform, type EmbeddedPlatform } from '../src/embedded-platform';

/** A shopper's and an admin's walk through the gateway of the embedded platform, as `npm start` runs it. */
describe('embedded platform through the gateway', () => {
  let dataDir: string;
  let platform: EmbeddedPlatform;

  const call = jsonClient(() => platform.url);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shop-embedded-'));
    const environment = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', PASSWORD_HASH_COST: '1024' };
    platform = await startEmbeddedPlatform(loadLauncherConfig(environment), environment, (service) => createLogger({ service, level: 'silent' }));
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when a shopper searches the seeded catalog, then ranked active products come back', async () => {
    const categories = await call('GET', '/api/catalog/categories');
    expect(categories.status).toBe(200);
    const page = await call('GET', '/api/catalog/products?limit=5');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(5);
    const word = String(page.body.items[0].name).split(/\s+/)[0];
    const search = await call('GET', `/api/catalog/products?q=${encodeURIComponent(word)}`);
    expect(search.status).toBe(200);
    expect(search.body.items.length).toBeGreaterThan(0);
    for (const item of search.body.items) expect(item.status).toBe('active');
  });

  it('when a user registers and logs in, then me answers through the gateway; the admin updates a product and the next read shows it', async () => {
    const email = `shopper-${Date.now()}@example.com`;
    expect((await call('POST', '/api/auth/register', { body: { email, password: 'correct horse battery', name: 'Shopper' } })).status).toBe(202);
    const login = await call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } });
    expect(login.status).toBe(200);
    expect((await call('GET', '/api/auth/me', { token: login.body.accessToken })).body.user.email).toBe(email);

    const adminLogin = await call('POST', '/api/auth/login', { body: { email: platform.admin.email, password: platform.admin.password } });
    expect(adminLogin.status).toBe(200);
    const adminToken = adminLogin.body.accessToken as string;

    const { body: list } = await call('GET', '/api/catalog/products?limit=1');
    const product = list.items[0];
    const before = await call('GET', `/api/catalog/products/${product.id}`);
    expect(before.status).toBe(200);

    // A shopper's token cannot change the catalog.
    const forbidden = await call('PATCH', `/api/catalog/products/${product.id}`, {
      token: login.body.accessToken,
      headers: { 'if-match': before.headers.get('etag')! },
      body: { name: 'Hijacked' },
    });
    expect(forbidden.status).toBe(403);

    const newName = `Renamed ${Date.now()}`;
    const patched = await call('PATCH', `/api/catalog/products/${product.id}`, {
      token: adminToken,
      headers: { 'if-match': before.headers.get('etag')! },
      body: { name: newName, price: { amount: 12345, currency: product.price.currency } },
    });
    expect(patched.status).toBe(200);
    const after = await call('GET', `/api/catalog/products/${product.id}`);
    expect(after.body).toMatchObject({ name: newName, price: { amount: 12345 } });
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });

  it('when a shopper adds an in-stock product to the cart and checks out, then the order is confirmed, stock goes down and the cart empties', async () => {
    const email = `buyer-${Date.now()}@example.com`;
    await call('POST', '/api/auth/register', { body: { email, password: 'correct horse battery', name: 'Buyer' } });
    const token = (await call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } })).body.accessToken as string;
    const { body: page } = await call('GET', '/api/catalog/products?inStock=true&limit=1');
    const product = page.items[0];
    const availableBefore = product.availability.available as number;

    const added = await call('POST', '/api/cart/items', { token, body: { productId: product.id, quantity: 2 } });
    expect(added.status).toBe(200);
    expect(added.body.subtotal).toEqual({ amount: product.price.amount * 2, currency: product.price.currency });

    const placed = await call('POST', '/api/orders', {
      token,
      headers: { 'idempotency-key': `checkout-${Date.now()}` },
      body: { shippingAddress: { name: 'Buyer', line1: '1 Main St', city: 'Lisbon', postalCode: '1000-001', country: 'PT' }, paymentToken: 'pm_sim_approve' },
    });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('confirmed');
    expect(placed.body.total).toEqual({ amount: product.price.amount * 2, currency: product.price.currency });

    expect((await call('GET', `/api/orders/${placed.body.id}`, { token })).body.status).toBe('confirmed');
    const deadline = Date.now() + 5000;
    let cart = await call('GET', '/api/cart', { token });
    while (cart.body.itemCount !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      cart = await call('GET', '/api/cart', { token });
    }
    expect(cart.body.itemCount).toBe(0);
    const after = await call('GET', `/api/catalog/products/${product.id}`);
    expect(after.body.availability.available).toBe(availableBefore - 2);

    // The Functions app's notification handler, run in-process, emails the customer (an .eml in the outbox folder).
    const outbox = join(dataDir, 'outbox');
    const emailDeadline = Date.now() + 10_000;
    let confirmation: string | undefined;
    while (!confirmation && Date.now() < emailDeadline) {
      for (const text of await outboxMails(outbox)) {
        if (text.includes(`To: ${email}`) || text.includes(`<${email}>`)) confirmation = text;
      }
      if (!confirmation) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(confirmation).toBeDefined();
    expect(confirmation).toContain(placed.body.id.slice(0, 8));
  });

  it('when a shopper forgets the password, then the e-mailed link opens the shop and resets it, and the session cookie refreshes only from the shop', async () => {
    const email = `forgetful-${Date.now()}@example.com`;
    await call('POST', '/api/auth/register', { body: { email, password: 'correct horse battery', name: 'Forgetful' } });
    const login = await fetch(`${platform.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
    expect(login.status).toBe(200);
    const sessionCookie = (headers: Headers) => headers.getSetCookie().find((line) => line.startsWith('shop_refresh='))!.split(';')[0];
    const refresh = (cookie: string, origin: string) => call('POST', '/api/auth/session/refresh', { headers: { cookie, origin } });
    expect((await refresh(sessionCookie(login.headers), 'https://elsewhere.example')).status).toBe(403);
    const refreshed = await refresh(sessionCookie(login.headers), new URL(platform.url).origin);
    expect(refreshed.status).toBe(200);
    const rotated = sessionCookie(refreshed.headers);

    expect((await call('POST', '/api/auth/password-reset', { body: { email } })).status).toBe(202);
    const outbox = join(dataDir, 'outbox');
    const deadline = Date.now() + 10_000;
    let link: string | undefined;
    while (!link && Date.now() < deadline) {
      for (const text of await outboxMails(outbox)) {
        if (text.includes(`To: ${email}`) && text.includes('Subject: Reset your password')) link = /^(http\S+#token=\S+)\r?$/m.exec(text)?.[1];
      }
      if (!link) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(link).toBeDefined();
    expect(link!.startsWith(`${new URL(platform.url).origin}/account/reset-password#token=`)).toBe(true);
    const token = new URLSearchParams(new URL(link!).hash.slice(1)).get('token')!;
    expect((await call('POST', '/api/auth/password-reset/confirm', { body: { token, password: 'a brand new passphrase' } })).status).toBe(204);
    // Every session ended, the one of the latest cookie included.
    expect((await refresh(rotated, new URL(platform.url).origin)).status).toBe(401);
    expect((await call('POST', '/api/auth/login', { body: { email, password: 'a brand new passphrase' } })).status).toBe(200);
  });

  it('when the platform is asked for something that does not exist, then problem+json comes back', async () => {
    const res = await call('GET', '/api/catalog/products/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});

/**
 * The e-mails in the outbox folder. The writer writes `<name>.eml.tmp` and renames it, so only `.eml` files are
 * whole; the demo history's e-mails may still be arriving, so a file gone between the listing and the read is skipped.
 */
async function outboxMails(outbox: string): Promise<string[]> {
  const files = (await readdir(outbox).catch(() => [] as string[])).filter((file) => file.endsWith('.eml'));
  const texts = await Promise.all(files.map((file) => readFile(join(outbox, file), 'utf8').catch(() => undefined)));
  return texts.filter((text): text is string => text !== undefined);
}
