// `npm run bench:deploy`: the platform in its production shape (README.md, "Running the services as separate processes
// on real PostgreSQL and Redis"), measured in one run beside an empty Express route on the same machine: the cached
// product read, search, cart add, the steady checkout loop ("add one unit, place the order") at 8 and 32 shoppers,
// and the flash sale; with the CPU time the service processes spent per operation. Needs DATABASE_URL (a server
// where it may create and drop databases) and REDIS_URL. The load generator shares the machine's cores with the
// services and the databases: compare figures of one run, and runs on the same machine.
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { load, logDir, percentile, startTarget } = require('./lib');
const { startProcessPlatform } = require('./process-platform');
const { difference, snapshot } = require('./process-stats');
const { addToCart, createClient, createStockedProduct, emptyCart, expectStatus, forEachLimited, placeOrder, signIn, signUpShoppers, stockOf } = require('./shop-client');

const number = (name, fallback) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative number, not "${value}"`);
  return parsed;
};

const durationSeconds = number('BENCH_DURATION', 5);
const settings = {
  durationSeconds,
  warmupSeconds: number('BENCH_WARMUP', 2),
  connections: number('BENCH_CONNECTIONS', 64),
  loopSeconds: number('BENCH_LOOP_DURATION', 3 * durationSeconds),
  loopShoppers: (process.env.BENCH_LOOP_SHOPPERS ?? '8,32').split(',').map(Number).filter((n) => n > 0),
  flashShoppers: number('BENCH_FLASH_SHOPPERS', 200),
  flashUnits: number('BENCH_FLASH_UNITS', 20),
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
  // scrypt N of the shoppers' passwords: signing 240 shoppers up is set-up, not what this measures.
  passwordHashCost: number('BENCH_PASSWORD_HASH_COST', 1024),
  profileDir: process.env.BENCH_PROFILE_DIR || undefined,
  // Processes of each of auth, catalog, cart and order (one gateway in front of them all).
  replicas: number('BENCH_REPLICAS', 1),
};

const cartProducts = 40;
const out = (text) => process.stdout.write(text);
const ms = (value) => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value.toFixed(1)) : '-');
const perSecond = (value) => (Number.isFinite(value) ? value.toFixed(value >= 100 ? 0 : 1) : '-');

function latencySummary(samples) {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), count: samples.length };
}

function countInto(counts, key) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * The steady checkout loop: every shopper adds one unit of `productId` and places an order, again and again. Counted
 * after `warmupSeconds`, for `seconds`: answers that arrive inside the window, CPU of the services across it.
 */
async function steadyCheckoutLoop(platform, client, shoppers, productId, { warmupSeconds, seconds, stats }) {
  await settle(platform);
  const window = { measuring: false, stopped: false };
  const result = {
    shoppers: shoppers.length,
    adds: [],
    orders: [],
    confirmed: 0,
    processing: 0,
    orderStatuses: {},
    addStatuses: {},
    // Orders holding more units than the shopper added since its previous confirmed order: units bought twice.
    ordersWithUnitsAlreadyBought: 0,
    // 422 "The cart is empty" for a checkout right after this shopper's add succeeded.
    emptyCartAfterAdd: 0,
  };
  const worker = async (shopper) => {
    while (!window.stopped) {
      const added = await addToCart(client, shopper, productId);
      if (window.measuring) {
        result.adds.push(added.ms);
        countInto(result.addStatuses, added.status);
      }
      if (added.status !== 200) continue;
      shopper.unitsSinceLastOrder += 1;
      const placed = await placeOrder(client, shopper);
      const counted = window.measuring;
      if (counted) {
        result.orders.push(placed.ms);
        countInto(result.orderStatuses, placed.status);
      }
      if (placed.status === 201) {
        const units = placed.body.lines.reduce((sum, line) => sum + line.quantity, 0);
        if (counted) {
          result.confirmed += 1;
          if (units > shopper.unitsSinceLastOrder) result.ordersWithUnitsAlreadyBought += 1;
        }
        shopper.unitsSinceLastOrder = 0;
      } else if (placed.status === 202) {
        if (counted) result.processing += 1;
        shopper.unitsSinceLastOrder = 0;
      } else if (placed.status === 422 && /empty/i.test(placed.body?.detail ?? '')) {
        if (counted) result.emptyCartAfterAdd += 1;
        shopper.unitsSinceLastOrder = 0;
      }
    }
  };
  const workers = Promise.all(shoppers.map(worker));
  await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
  const before = await snapshot(platform, stats);
  window.measuring = true;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  window.measuring = false;
  const after = await snapshot(platform, stats);
  window.stopped = true;
  await workers;
  return { ...result, usage: difference(before, after), addLatency: latencySummary(result.adds), orderLatency: latencySummary(result.orders) };
}

/**
 * Waits until the services are quiet (together under 5% of a core over half a second, at most `maxSeconds`), so one
 * scenario's aftermath (outbox relays publishing, consumers clearing carts) is not measured in the next.
 */
async function settle(platform, maxSeconds = 15) {
  const deadline = Date.now() + maxSeconds * 1000;
  for (;;) {
    const before = await snapshot(platform, {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    const usage = difference(before, await snapshot(platform, {}));
    if (usage.totalCpu < 0.05 * usage.seconds * 1000) return;
    if (Date.now() > deadline) {
      out(`(the services did not quiet down within ${maxSeconds} s: ${ms(usage.totalCpu / usage.seconds / 10)}% of a core; measuring anyway)\n`);
      return;
    }
  }
}

/** autocannon on `url` (after its own warm-up) with the CPU ms per request the service processes spent in the measured run. */
async function loadWithCpu(platform, stats, url, options = {}) {
  await settle(platform);
  const run = (durationSeconds) => load(url, { connections: settings.connections, ...options, durationSeconds, warmupSeconds: 0 });
  if (settings.warmupSeconds > 0) await run(settings.warmupSeconds);
  const before = await snapshot(platform, stats);
  const result = await run(settings.durationSeconds);
  const usage = difference(before, await snapshot(platform, stats));
  return { ...result, cpuMsPerRequest: usage.totalCpu / result.total };
}

async function main() {
  const databaseServerUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseServerUrl || !redisUrl) {
    process.stderr.write(
      'bench:deploy runs the services on real servers and needs both:\n' +
        '  DATABASE_URL  a PostgreSQL server where it may create and drop databases, e.g. postgres://postgres@127.0.0.1:5432/postgres\n' +
        '  REDIS_URL     a Redis server, e.g. redis://127.0.0.1:6379 (its keys live under a prefix of the run, deleted at the end)\n',
    );
    process.exit(2);
  }
  const stats = { databaseServerUrl, redisUrl, detailed: false };
  const detailedStats = { ...stats, detailed: true };
  const startedAt = Date.now();
  const loadAtStart = machineLoad();
  out(`bench:deploy: logs in ${logDir}${settings.profileDir ? `, CPU profiles in ${settings.profileDir}` : ''}\n`);
  const platform = await startProcessPlatform({ databaseServerUrl, redisUrl, logDir, logLevel: settings.logLevel, passwordHashCost: settings.passwordHashCost, profileDir: settings.profileDir, replicas: settings.replicas });
  const client = createClient(platform.gatewayUrl, { maxSockets: Math.max(settings.flashShoppers, ...settings.loopShoppers) + 16 });
  try {
    out(`services up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${settings.replicas} process${settings.replicas > 1 ? 'es' : ''} of each service; Redis prefix ${platform.redisKeyPrefix}; databases ${platform.databases.map((d) => d.name).join(', ')})\n`);
    // What the services burn doing nothing (relay and consumer polling, timers), before anything is measured.
    await settle(platform);
    const idleBefore = await snapshot(platform, stats);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = difference(idleBefore, await snapshot(platform, stats));
    out(`idle: the services together use ${ms(idle.totalCpu / idle.seconds)} ms of CPU per s (${Object.entries(idle.cpu).map(([app, cpu]) => `${app} ${ms(cpu / idle.seconds)}`).join(', ')})\n`);
    const rows = [];
    const adminToken = await signIn(client, platform.admin.email, platform.admin.password);

    // Reads: one demo product (a cache hit after the first read) and a search by a word of its name.
    const list = expectStatus(await client.request('GET', '/api/catalog/products?limit=1'), [200], 'product list').body;
    const product = list.items[0];
    const productPath = `/api/catalog/products/${product.id}`;
    const searchPath = `/api/catalog/products?q=${encodeURIComponent(product.name.split(/\s+/)[1].toLowerCase())}&limit=20`;
    const productBody = Buffer.from(await (await fetch(`${platform.serviceUrl('catalog')}${productPath}`)).arrayBuffer());
    const bodyFile = join(mkdtempSync(join(tmpdir(), 'bench-deploy-')), 'product.json');
    writeFileSync(bodyFile, productBody);
    out(`product body ${productBody.length} bytes; search ${searchPath}\n`);

    for (const [name, script] of [
      ['empty Express 5 route, same bytes', 'targets/express-empty.js'],
      ['empty route on the platform stack', 'targets/platform-empty.js'],
    ]) {
      const target = await startTarget(join(__dirname, script), { BENCH_BODY_FILE: bodyFile, BENCH_LOG_LEVEL: settings.logLevel });
      rows.push({ name, ...(await load(target.url, { durationSeconds: settings.durationSeconds, warmupSeconds: settings.warmupSeconds, connections: settings.connections })) });
      await target.stop();
    }
    const baseline = rows[0];
    // The gateway spreads over every catalog replica; a direct run loads only the first.
    const catalogDirectly = settings.replicas > 1 ? `catalog directly (one of its ${settings.replicas} processes)` : 'catalog directly';
    rows.push({ name: '`GET /api/catalog/products/{id}` (cache hit), through the gateway', ...(await loadWithCpu(platform, stats, `${platform.gatewayUrl}${productPath}`)) });
    rows.push({ name: `\`GET /api/catalog/products/{id}\` (cache hit), ${catalogDirectly}`, ...(await loadWithCpu(platform, stats, `${platform.serviceUrl('catalog')}${productPath}`)) });
    // Markets and languages: the product read as the storefront sends it (market and language in the URL) in the base
    // texts and in Japanese with yen, right after the plain read (the host's load drifts during a run); the search in
    // German (German stemming over the translations) follows the plain search.
    for (const [label, query] of [
      ['?market=eu&lang=en', '?market=eu&lang=en'],
      ['?market=jp&lang=ja', '?market=jp&lang=ja'],
    ]) {
      rows.push({ name: `\`GET /api/catalog/products/{id}${label}\` (cache hit), ${catalogDirectly}`, ...(await loadWithCpu(platform, stats, `${platform.serviceUrl('catalog')}${productPath}${query}`)) });
    }
    rows.push({ name: '`GET /api/catalog/products?q=…`, through the gateway', ...(await loadWithCpu(platform, stats, `${platform.gatewayUrl}${searchPath}`)) });
    rows.push({ name: `\`GET /api/catalog/products?q=…\`, ${catalogDirectly}`, ...(await loadWithCpu(platform, stats, `${platform.serviceUrl('catalog')}${searchPath}`)) });
    rows.push({
      name: `\`GET /api/catalog/products?q=kopfhörer&lang=de\`, ${catalogDirectly}`,
      ...(await loadWithCpu(platform, stats, `${platform.serviceUrl('catalog')}/api/catalog/products?q=kopfh%C3%B6rer&limit=20&market=eu&lang=de`)),
    });

    // Shoppers, registered and signed in through the gateway; products with stock.
    const signUpStarted = Date.now();
    const flashShoppers = await signUpShoppers(client, settings.flashShoppers, { label: 'flash' });
    const loopShoppers = [];
    for (const count of settings.loopShoppers) loopShoppers.push(await signUpShoppers(client, count, { label: `loop${count}` }));
    const shopperCount = flashShoppers.length + loopShoppers.reduce((sum, group) => sum + group.length, 0);
    out(`${shopperCount} shoppers registered and signed in in ${((Date.now() - signUpStarted) / 1000).toFixed(1)} s\n`);
    const cartProductIds = [];
    for (let i = 0; i < cartProducts; i += 1) cartProductIds.push(await createStockedProduct(client, adminToken, `BENCH-CART-${i}`, 1_000_000));
    const loopProductId = await createStockedProduct(client, adminToken, 'BENCH-LOOP', 1_000_000_000);
    const flashProductId = await createStockedProduct(client, adminToken, 'BENCH-FLASH', settings.flashUnits);

    // Cart add: the flash-sale shoppers take turns (so no two connections write one cart at once, mostly), each
    // request adds one unit of one of 40 products; 200 carts x 40 lines x 20 units is far more than the run adds.
    let addRequest = 0;
    const cartShoppers = flashShoppers;
    rows.push({
      name: '`POST /api/cart/items`, through the gateway (cart reads the price from catalog)',
      ...(await loadWithCpu(platform, stats, `${platform.gatewayUrl}/api/cart/items`, {
        method: 'POST',
        requests: [
          {
            setupRequest: (req) => {
              const n = addRequest++;
              const shopper = cartShoppers[n % cartShoppers.length];
              const productId = cartProductIds[Math.floor(n / cartShoppers.length) % cartProductIds.length];
              return { ...req, headers: { ...req.headers, 'content-type': 'application/json', authorization: `Bearer ${shopper.token}` }, body: JSON.stringify({ productId, quantity: 1 }) };
            },
          },
        ],
      })),
    });

    // The steady checkout loop, at each number of shoppers, on one product (its inventory row is the hot row).
    const loops = [];
    for (const group of loopShoppers) {
      const loop = await steadyCheckoutLoop(platform, client, group, loopProductId, { warmupSeconds: settings.warmupSeconds, seconds: settings.loopSeconds, stats: detailedStats });
      loops.push(loop);
      out(`checkout loop, ${group.length} shoppers: ${perSecond(loop.confirmed / loop.usage.seconds)} confirmed orders/s\n`);
    }

    // Flash sale: every flash shopper with exactly one unit of the scarce product in an otherwise empty cart.
    await forEachLimited(flashShoppers, 16, (shopper) => emptyCart(client, shopper));
    await forEachLimited(flashShoppers, 16, async (shopper) => expectStatus(await addToCart(client, shopper, flashProductId), [200], 'flash-sale cart'));
    await settle(platform);
    const saleBefore = await snapshot(platform, stats);
    const saleStarted = performance.now();
    const answers = await Promise.all(flashShoppers.map((shopper) => placeOrder(client, shopper)));
    const saleSeconds = (performance.now() - saleStarted) / 1000;
    const saleUsage = difference(saleBefore, await snapshot(platform, stats));
    const saleStatuses = {};
    for (const answer of answers) countInto(saleStatuses, answer.status);
    const saleStock = await stockOf(client, adminToken, flashProductId);
    const sale = { seconds: saleSeconds, statuses: saleStatuses, stock: saleStock, latency: latencySummary(answers.map((a) => a.ms)), cpuMs: saleUsage.totalCpu };

    report(rows, baseline, loops, sale, ((Date.now() - startedAt) / 1000).toFixed(0), loadAtStart);
  } finally {
    client.close();
    await platform.stop();
  }
}

/** The 1-minute load average and the core count: whether the machine was busy with more than this run. */
function machineLoad() {
  const { availableParallelism, loadavg } = require('node:os');
  return `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
}

function report(rows, baseline, loops, sale, totalSeconds, loadAtStart) {
  const { durationSeconds: d, warmupSeconds: w, connections: c, loopSeconds } = settings;
  out(
    `\n### \`npm run bench:deploy\`\n\n` +
      `Services as separate processes (${settings.replicas > 1 ? `${settings.replicas} processes of each of auth, catalog, cart and order behind one gateway` : 'auth, catalog, cart, order, gateway'}) on PostgreSQL and Redis, logging at ${settings.logLevel} to files; ` +
      `load generator on the same machine. Reads and cart add: autocannon, ${c} connections, ${d} s after a ${w} s warm-up. ` +
      `Checkout loops: ${loopSeconds} s after a ${w} s warm-up. Whole run ${totalSeconds} s; ${loadAtStart} before it, ${machineLoad()} at the end.\n\n`,
  );
  out('| target | req/s | p50 ms | p95 ms | p99 ms | non-2xx + errors | vs empty Express route | service CPU ms per request |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  for (const row of rows) {
    out(
      `| ${row.name} | ${perSecond(row.requestsPerSecond)} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${row.errors} | ` +
        `${(row.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}× | ${row.cpuMsPerRequest === undefined ? '-' : ms(row.cpuMsPerRequest)} |\n`,
    );
  }

  if (loops.length > 0) {
    const header = loops.map((loop) => `${loop.shoppers} shoppers`);
    out(`\nSteady checkout loop (each shopper: add one unit, place the order; one product; ${loopSeconds} s measured):\n\n`);
    out(`| measure | ${header.join(' | ')} |\n| --- | ${header.map(() => '---:').join(' | ')} |\n`);
    const line = (label, cell) => out(`| ${label} | ${loops.map(cell).join(' | ')} |\n`);
    const statuses = (counts) => Object.entries(counts).map(([status, count]) => `${count} × ${status}`).join(', ') || '-';
    line('confirmed orders/s', (l) => perSecond(l.confirmed / l.usage.seconds));
    line('`POST /api/orders` p50 / p95 / p99 ms', (l) => `${ms(l.orderLatency.p50)} / ${ms(l.orderLatency.p95)} / ${ms(l.orderLatency.p99)}`);
    line('`POST /api/cart/items` p50 / p95 / p99 ms', (l) => `${ms(l.addLatency.p50)} / ${ms(l.addLatency.p95)} / ${ms(l.addLatency.p99)}`);
    line('orders holding units bought in the previous order', (l) => `${l.ordersWithUnitsAlreadyBought} of ${l.confirmed}`);
    line('422 "The cart is empty" right after a successful add', (l) => String(l.emptyCartAfterAdd));
    line('`POST /api/orders` answers', (l) => statuses(l.orderStatuses));
    line('`POST /api/cart/items` answers', (l) => statuses(l.addStatuses));
    line('**CPU ms per add + checkout, all services**', (l) => `**${ms(l.usage.totalCpu / l.confirmed)}**`);
    for (const app of Object.keys(loops[0].usage.cpu)) line(`&nbsp;&nbsp;${app}`, (l) => ms(l.usage.cpu[app] / l.confirmed));
    line('&nbsp;&nbsp;PostgreSQL (backends serving the run\'s databases)', (l) => (l.usage.postgresCpu === undefined ? '-' : ms(l.usage.postgresCpu / l.confirmed)));
    line('&nbsp;&nbsp;Redis (server, shared machine)', (l) => (l.usage.redisCpu === undefined ? '-' : ms(l.usage.redisCpu / l.confirmed)));
    for (const name of Object.keys(loops[0].usage.transactions)) line(`PostgreSQL transactions per checkout, ${name.replace(/_[^_]+_[^_]+$/, '')}`, (l) => (l.usage.transactions[name] / l.confirmed).toFixed(1));
    line('Redis commands per checkout (server-wide, shared machine)', (l) => (l.usage.redisCommands === undefined ? '-' : (l.usage.redisCommands / l.confirmed).toFixed(1)));

    // The calls each service served per confirmed checkout, and their mean time: where a checkout's hops go.
    const keys = [...new Set(loops.flatMap((l) => Object.keys(l.usage.http)))].filter((key) => !/ \/(metrics|readyz|healthz) /.test(key)).sort();
    out(`\nHTTP requests served per confirmed checkout, by service, route and status (mean ms), from each service's /metrics:\n\n`);
    out(`| service route status | ${header.join(' | ')} |\n| --- | ${header.map(() => '---:').join(' | ')} |\n`);
    for (const key of keys) {
      out(
        `| ${key} | ${loops
          .map((l) => {
            const counter = l.usage.http[key];
            return counter ? `${(counter.count / l.confirmed).toFixed(2)} (${ms((counter.seconds * 1000) / counter.count)})` : '-';
          })
          .join(' | ')} |\n`,
      );
    }
  }

  const count = (status) => sale.statuses[status] ?? 0;
  const others = Object.entries(sale.statuses).filter(([status]) => status !== '201' && status !== '409');
  out(
    `\nFlash sale: ${settings.flashShoppers} concurrent checkouts for ${settings.flashUnits} units in ${sale.seconds.toFixed(2)} s: ` +
      `${count(201)} confirmed (201), ${count(409)} × 409${others.length ? `, others ${others.map(([s, n]) => `${n} × ${s}`).join(', ')}` : ''}; ` +
      `stock after: on hand ${sale.stock.onHand}, reserved ${sale.stock.reserved}; POST /api/orders p50 ${ms(sale.latency.p50)} ms, p99 ${ms(sale.latency.p99)} ms; ` +
      `service CPU ${ms(sale.cpuMs)} ms in all.\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
