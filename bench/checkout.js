// The checkout benchmarks, run by `npm run bench` after the catalog reads: POST /api/cart/items, a full checkout
// (place order + simulated payment), and a flash sale (200 shoppers racing for 20 units), on the embedded platform.
const { randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const autocannon = require('autocannon');
const { AccessTokenSigner, signingKeyFromPem } = require('@shop/auth-tokens');
const { load, printTable, settings, startTarget } = require('./lib');

const address = { name: 'Bench Shopper', line1: '1 Load St', city: 'Lisbon', postalCode: '1000-001', country: 'PT' };

async function api(base, method, path, { token, body, headers } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Creates an active product with `onHand` units through the admin API; returns its id. */
async function createProduct(base, adminToken, sku, onHand, amount = 1999) {
  const created = await api(base, 'POST', '/api/catalog/products', {
    token: adminToken,
    body: { sku, name: `Bench ${sku}`, description: 'benchmark product', brand: 'Bench', price: { amount, currency: 'EUR' }, status: 'active' },
  });
  if (created.status !== 201) throw new Error(`product not created: ${JSON.stringify(created.body)}`);
  const stocked = await api(base, 'PUT', `/api/catalog/products/${created.body.id}/inventory`, { token: adminToken, headers: { 'if-match': created.headers.get('etag') }, body: { onHand } });
  if (stocked.status !== 200) throw new Error(`stock not set: ${JSON.stringify(stocked.body)}`);
  return created.body.id;
}

/** Fills carts: each of `users` gets one unit of `productId`, `concurrency` at a time. */
async function fillCarts(base, users, productId, concurrency = 16) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < users.length) {
        const user = users[next++];
        const added = await api(base, 'POST', '/api/cart/items', { token: user.token, body: { productId, quantity: 1 } });
        if (added.status !== 200) throw new Error(`cart add failed: ${JSON.stringify(added.body)}`);
      }
    }),
  );
}

async function main() {
  // BENCH_PROFILE_DIR: a V8 CPU profile of the embedded platform, written there when it stops (read it with profile-top.js).
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const target = await startTarget(join(__dirname, 'targets/platform.js'), {}, profile);
  const [, base, dataDir, adminEmail, adminPassword] = /READY (\S+) (\S+) (\S+) (\S+)/.exec(target.extra);
  const signer = new AccessTokenSigner({ keys: [signingKeyFromPem(readFileSync(join(dataDir, 'auth-signing-key.pem'), 'utf8'))] });
  const shopper = () => {
    const userId = randomUUID();
    return { userId, token: signer.sign({ userId, email: `${userId}@bench.example`, roles: ['customer'] }) };
  };
  const adminToken = (await api(base, 'POST', '/api/auth/login', { body: { email: adminEmail, password: adminPassword } })).body.accessToken;
  const rows = [];

  // POST /api/cart/items: shoppers rotate so no cart reaches its line cap; each adds one of 40 products.
  const products = [];
  for (let i = 0; i < 40; i += 1) products.push(await createProduct(base, adminToken, `BENCH-CART-${i}`, 1_000_000));
  const cartShoppers = Array.from({ length: 2000 }, shopper);
  let request = 0;
  rows.push({
    name: 'POST /api/cart/items',
    ...(await load(`${base}/api/cart/items`, {
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            const n = request++;
            const user = cartShoppers[n % cartShoppers.length];
            return { ...req, headers: { ...req.headers, 'content-type': 'application/json', authorization: `Bearer ${user.token}` }, body: JSON.stringify({ productId: products[Math.floor(n / cartShoppers.length) % products.length], quantity: 1 }) };
          },
        },
      ],
    })),
  });

  // Full checkout: every request is a different shopper with one unit in the cart, a fresh idempotency key each.
  const checkoutProduct = await createProduct(base, adminToken, 'BENCH-CHECKOUT', 1_000_000);
  const buyers = Array.from({ length: Number(process.env.BENCH_CHECKOUTS ?? 1500) }, shopper);
  await fillCarts(base, buyers, checkoutProduct);
  let buyer = 0;
  const startedAt = Date.now();
  const checkout = await new Promise((resolve, reject) =>
    autocannon(
      {
        url: `${base}/api/orders`,
        method: 'POST',
        connections: Math.min(settings.connections, 32),
        amount: buyers.length,
        requests: [
          {
            setupRequest: (req) => {
              const user = buyers[buyer++ % buyers.length];
              return {
                ...req,
                headers: { ...req.headers, 'content-type': 'application/json', authorization: `Bearer ${user.token}`, 'idempotency-key': randomUUID() },
                body: JSON.stringify({ shippingAddress: address, paymentToken: 'pm_sim_approve' }),
              };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  rows.push({
    name: `POST /api/orders (full checkout, ${buyers.length} orders)`,
    requestsPerSecond: checkout.requests.total / ((Date.now() - startedAt) / 1000),
    p50: checkout.latency.p50,
    p99: checkout.latency.p99,
    errors: checkout.errors + checkout.timeouts + checkout.non2xx,
    total: checkout.requests.total,
  });
  printTable('Cart and checkout (embedded platform: PGlite, in-memory building blocks)', rows, 'POST /api/cart/items');

  // Flash sale: 20 units, 200 shoppers with one unit each in their carts, all checking out at once.
  const saleProduct = await createProduct(base, adminToken, 'BENCH-FLASH', 20);
  const racers = Array.from({ length: 200 }, shopper);
  await fillCarts(base, racers, saleProduct);
  const saleStart = Date.now();
  const answers = await Promise.all(
    racers.map((user) =>
      api(base, 'POST', '/api/orders', { token: user.token, headers: { 'idempotency-key': randomUUID() }, body: { shippingAddress: address, paymentToken: 'pm_sim_approve' } }),
    ),
  );
  const saleSeconds = (Date.now() - saleStart) / 1000;
  const count = (status) => answers.filter((a) => a.status === status).length;
  const stock = (await api(base, 'GET', `/api/catalog/admin/products/${saleProduct}`, { token: adminToken })).body.inventory;
  process.stdout.write(
    `\nFlash sale: 200 concurrent checkouts for 20 units in ${saleSeconds.toFixed(2)} s: ${count(201)} confirmed (201), ${count(409)} sold out (409), ` +
      `${answers.length - count(201) - count(409)} other; ${(count(201) / saleSeconds).toFixed(1)} confirmed orders/s; stock after: on hand ${stock.onHand}, reserved ${stock.reserved}\n`,
  );
  await target.stop();
}

module.exports = { main };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
