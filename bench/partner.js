// `npm run bench:partner`: the partner API in the production shape (the services as separate processes on real
// PostgreSQL and Redis, bench/process-platform.js), measured in one run beside the plain product read and an empty
// Express route: a product read with a premium key (key verification cached, the Redis sliding-window limiter, the
// audit entry), the partner product page and the price history; then the two-level cache's hit ratio per layer from
// catalog's /metrics. The premium tier's limit is raised for the run, so that the limiter does its whole work on every
// request but never refuses: what is measured is its cost, not the tier. Needs DATABASE_URL and REDIS_URL.
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { load, logDir, startTarget } = require('./lib');
const { startProcessPlatform } = require('./process-platform');
const { difference, snapshot } = require('./process-stats');
const { createClient, expectStatus, signIn } = require('./shop-client');

const number = (name, fallback) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative number, not "${value}"`);
  return parsed;
};

const settings = {
  durationSeconds: number('BENCH_DURATION', 5),
  warmupSeconds: number('BENCH_WARMUP', 2),
  connections: number('BENCH_CONNECTIONS', 64),
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
  replicas: number('BENCH_REPLICAS', 1),
};
const out = (text) => process.stdout.write(text);
const ms = (value) => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value.toFixed(1)) : '-');
const perSecond = (value) => (Number.isFinite(value) ? value.toFixed(value >= 100 ? 0 : 1) : '-');

/** `cache_lookups_total` of every catalog process, summed by cache and result. */
async function cacheLookups(platform) {
  const totals = {};
  for (const service of platform.services.filter((s) => s.app === 'catalog')) {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    for (const line of text.split('\n')) {
      const match = /^cache_lookups_total\{([^}]*)\} (\S+)/.exec(line);
      if (!match) continue;
      const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const key = [labels.cache, labels.layer].filter(Boolean).join(' ');
      totals[key] ??= { hit: 0, miss: 0 };
      totals[key][labels.result] = (totals[key][labels.result] ?? 0) + Number(match[2]);
    }
  }
  return totals;
}

async function loadWithCpu(platform, stats, url, options = {}) {
  const before = await snapshot(platform, stats);
  const result = await load(url, { durationSeconds: settings.durationSeconds, warmupSeconds: settings.warmupSeconds, connections: settings.connections, ...options });
  const usage = difference(before, await snapshot(platform, stats));
  const requests = Math.max(1, result.requestsPerSecond * usage.seconds);
  const perRequest = (value) => (value === undefined ? undefined : value / requests);
  const breakdown = { ...Object.fromEntries(Object.entries(usage.cpu).map(([app, cpu]) => [app, perRequest(cpu)])), postgres: perRequest(usage.postgresCpu), redis: perRequest(usage.redisCpu) };
  return { ...result, cpuMsPerRequest: perRequest(usage.totalCpu), breakdown };
}

async function main() {
  const databaseServerUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseServerUrl || !redisUrl) {
    process.stderr.write('bench:partner runs the services on real servers and needs DATABASE_URL (where it may create and drop databases) and REDIS_URL\n');
    process.exit(2);
  }
  // Detailed: PostgreSQL's and Redis's CPU too, so the breakdown below shows where a partner read's extra work goes.
  const stats = { databaseServerUrl, redisUrl, detailed: true };
  const startedAt = Date.now();
  out(`bench:partner: logs in ${logDir}\n`);
  const platform = await startProcessPlatform({
    databaseServerUrl,
    redisUrl,
    logDir,
    logLevel: settings.logLevel,
    passwordHashCost: 1024,
    replicas: settings.replicas,
    extraEnv: { catalog: { PARTNER_RATE_LIMIT_PREMIUM_PER_MINUTE: '1000000000' } },
    // BENCH_PROFILE_DIR: a V8 CPU profile of every service, written there when it stops (read with bench/profile-top.js).
    profileDir: process.env.BENCH_PROFILE_DIR || undefined,
  });
  const client = createClient(platform.gatewayUrl, { maxSockets: settings.connections + 16 });
  try {
    const adminToken = await signIn(client, platform.admin.email, platform.admin.password);
    const issued = expectStatus(
      await client.request('POST', '/api/admin/api-keys', { token: adminToken, body: { name: 'bench premium', tier: 'premium', scopes: ['catalog:read', 'insights:read'] } }),
      [201],
      'issue a premium key',
    ).body;
    const list = expectStatus(await client.request('GET', '/api/catalog/products?limit=1'), [200], 'product list').body;
    const product = list.items[0];
    const keyHeaders = { authorization: `Bearer ${issued.key}` };
    const now = Date.now();
    const historyQuery = `from=${new Date(now - 7 * 86_400_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}&interval=hour`;
    expectStatus(await client.request('GET', `/api/partner/v1/products/${product.id}`, { headers: keyHeaders }), [200], 'partner product read');

    const bodyFile = join(mkdtempSync(join(tmpdir(), 'bench-partner-')), 'product.json');
    writeFileSync(bodyFile, Buffer.from(await (await fetch(`${platform.serviceUrl('catalog')}/api/catalog/products/${product.id}`)).arrayBuffer()));
    const rows = [];
    const baselineTarget = await startTarget(join(__dirname, 'targets/express-empty.js'), { BENCH_BODY_FILE: bodyFile, BENCH_LOG_LEVEL: settings.logLevel });
    rows.push({ name: 'empty Express 5 route, same bytes', ...(await load(baselineTarget.url, settings)) });
    await baselineTarget.stop();
    const lookupsBefore = await cacheLookups(platform);
    const plain = { name: '`GET /api/catalog/products/{id}` (cached), through the gateway', ...(await loadWithCpu(platform, stats, `${platform.gatewayUrl}/api/catalog/products/${product.id}`)) };
    rows.push(plain);
    const partner = {
      name: '`GET /api/partner/v1/products/{id}`, premium key (cached), through the gateway',
      ...(await loadWithCpu(platform, stats, `${platform.gatewayUrl}/api/partner/v1/products/${product.id}`, { headers: keyHeaders })),
    };
    rows.push(partner);
    rows.push({ name: '`GET /api/partner/v1/products?limit=50`, premium key', ...(await loadWithCpu(platform, stats, `${platform.gatewayUrl}/api/partner/v1/products?limit=50`, { headers: keyHeaders })) });
    rows.push({
      name: '`GET /api/partner/v1/products/{id}/history` (7 days by hour), premium key',
      ...(await loadWithCpu(platform, stats, `${platform.gatewayUrl}/api/partner/v1/products/${product.id}/history?${historyQuery}`, { headers: keyHeaders })),
    });
    const lookupsAfter = await cacheLookups(platform);
    const usage = expectStatus(await client.request('GET', '/api/partner/v1/usage', { headers: keyHeaders }), [200], 'usage').body;

    const baseline = rows[0];
    out(
      `\n### \`npm run bench:partner\`\n\nServices as separate processes (${settings.replicas} of each) on PostgreSQL and Redis; autocannon, ${settings.connections} connections, ` +
        `${settings.durationSeconds} s after a ${settings.warmupSeconds} s warm-up; whole run ${((Date.now() - startedAt) / 1000).toFixed(0)} s.\n\n`,
    );
    out('| target | req/s | p50 ms | p95 ms | p99 ms | non-2xx + errors | vs empty Express route | service CPU ms per request |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
    for (const row of rows) {
      out(
        `| ${row.name} | ${perSecond(row.requestsPerSecond)} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${row.errors} | ${(row.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}× | ` +
          `${row.cpuMsPerRequest === undefined ? '-' : ms(row.cpuMsPerRequest)} |\n`,
      );
    }
    const ratio = partner.requestsPerSecond / plain.requestsPerSecond;
    out(
      `\nPartner read (key check, limiter, audit) vs the plain read: ${(ratio * 100).toFixed(0)} % of its throughput, i.e. ${((1 - ratio) * 100).toFixed(0)} % lost ` +
        `(target: at most 15 %); CPU per request ${ms(partner.cpuMsPerRequest)} vs ${ms(plain.cpuMsPerRequest)} ms.\n`,
    );
    const processes = [...new Set([...Object.keys(plain.breakdown), ...Object.keys(partner.breakdown)])];
    const micros = (value) => (value === undefined ? '-' : (value * 1000).toFixed(0));
    out(`CPU µs per request by process, plain read → partner read: ${processes.map((name) => `${name} ${micros(plain.breakdown[name])} → ${micros(partner.breakdown[name])}`).join(', ')}.\n`);
    out(`The key's own usage after the run: ${usage.requestsToday} requests today, ${usage.rejectedToday} rejected (tier ${usage.tier}).\n\n`);
    out('Cache lookups during the reads (all catalog processes):\n\n| cache | hits | misses | hit ratio |\n| --- | ---: | ---: | ---: |\n');
    for (const key of Object.keys(lookupsAfter).sort()) {
      const hit = lookupsAfter[key].hit - (lookupsBefore[key]?.hit ?? 0);
      const miss = lookupsAfter[key].miss - (lookupsBefore[key]?.miss ?? 0);
      if (hit + miss === 0) continue;
      out(`| ${key} | ${hit} | ${miss} | ${((hit / (hit + miss)) * 100).toFixed(1)} % |\n`);
    }
  } finally {
    client.close();
    await platform.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
