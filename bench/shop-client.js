// A small HTTP client for the stateful scenarios of `npm run bench:deploy`: node:http over keep-alive sockets (cheaper
// for the load generator than fetch, which shares the two cores with the services), plus the shop's API steps the
// benchmark needs (sign-up and sign-in, products with stock, carts, checkout).
const http = require('node:http');
const { randomBytes, randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');

const shippingAddress = { name: 'Bench Shopper', line1: '1 Load St', city: 'Lisbon', postalCode: '1000-001', country: 'PT' };

/** A client of one origin; `maxSockets` bounds the connections it opens (one per concurrent shopper is the intent). */
function createClient(baseUrl, { maxSockets = 256 } = {}) {
  const origin = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });

  /** One request; resolves with status, headers, parsed body and the latency in ms (never rejects on a status). */
  function request(method, path, { token, body, headers } = {}) {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: origin.hostname,
          port: origin.port,
          method,
          path,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode, headers: res.headers, body: parsed, ms: performance.now() - started });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  return { baseUrl, request, close: () => agent.destroy() };
}

/** Throws with the answer in the message unless the status is one of `expected`. */
function expectStatus(answer, expected, what) {
  if (!expected.includes(answer.status)) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Runs `task(item)` for every item, at most `concurrency` at once. */
async function forEachLimited(items, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

/** Retries `step` while it answers 429, waiting the Retry-After it names (the login throttle is part of the shop). */
async function withThrottleRetry(step) {
  for (;;) {
    const answer = await step();
    if (answer.status !== 429) return answer;
    const seconds = Number(answer.headers['retry-after'] ?? 1);
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, seconds) * 1000));
  }
}

async function signIn(client, email, password) {
  const login = await withThrottleRetry(() => client.request('POST', '/api/auth/login', { body: { email, password } }));
  return expectStatus(login, [200], `login of ${email}`).body.accessToken;
}

/**
 * Registers `count` customers through the gateway and signs each in (register answers 202 whatever the address, so
 * the login is what proves the account). A few at a time: the throttle reserves an attempt per address before the
 * password is checked, and every shopper here comes from the same loopback address.
 */
async function signUpShoppers(client, count, { concurrency = 8, label = 'shopper' } = {}) {
  const run = randomBytes(4).toString('hex');
  const shoppers = Array.from({ length: count }, (_, i) => ({
    email: `bench-${label}-${run}-${i}@bench.example`,
    password: `Bench-${randomBytes(9).toString('base64url')}-pw`,
    token: '',
    // What the shopper added since its last confirmed order (the steady loop's bookkeeping).
    unitsSinceLastOrder: 0,
  }));
  await forEachLimited(shoppers, concurrency, async (shopper) => {
    const registered = await client.request('POST', '/api/auth/register', { body: { email: shopper.email, password: shopper.password, name: `Bench ${label}` } });
    expectStatus(registered, [202], `registration of ${shopper.email}`);
    shopper.token = await signIn(client, shopper.email, shopper.password);
  });
  return shoppers;
}

/** Creates an active product with `onHand` units through the admin API; returns its id. */
async function createStockedProduct(client, adminToken, sku, onHand, amount = 1999) {
  const created = expectStatus(
    await client.request('POST', '/api/catalog/products', {
      token: adminToken,
      body: { sku, name: `Bench ${sku}`, description: 'benchmark product', brand: 'Bench', price: { amount, currency: 'EUR' }, status: 'active' },
    }),
    [201],
    `product ${sku}`,
  );
  expectStatus(
    await client.request('PUT', `/api/catalog/products/${created.body.id}/inventory`, { token: adminToken, headers: { 'if-match': created.headers.etag }, body: { onHand } }),
    [200],
    `stock of ${sku}`,
  );
  return created.body.id;
}

/** On hand and reserved of one product, as the admin API shows them. */
async function stockOf(client, adminToken, productId) {
  return expectStatus(await client.request('GET', `/api/catalog/admin/products/${productId}`, { token: adminToken }), [200], 'stock read').body.inventory;
}

function addToCart(client, shopper, productId, quantity = 1) {
  return client.request('POST', '/api/cart/items', { token: shopper.token, body: { productId, quantity } });
}

function placeOrder(client, shopper) {
  return client.request('POST', '/api/orders', {
    token: shopper.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { shippingAddress, paymentToken: 'pm_sim_approve' },
  });
}

async function emptyCart(client, shopper) {
  expectStatus(await client.request('DELETE', '/api/cart', { token: shopper.token }), [200, 204], 'emptying a cart');
}

module.exports = { createClient, expectStatus, forEachLimited, signIn, signUpShoppers, createStockedProduct, stockOf, addToCart, placeOrder, emptyCart };
