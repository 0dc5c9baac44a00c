// The platform as README.md's "Running the services as separate processes on real PostgreSQL and Redis" starts it:
// auth, catalog, cart, order and the gateway, each its own Node process from its build, a PostgreSQL database per
// service (created fresh here, dropped at the end), Redis state and streams under a key prefix of this run only, a
// generated RSA signing key and a random APP_API_TOKEN. Logs go to files, as a container runtime would collect them.
const { spawn } = require('node:child_process');
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const { once } = require('node:events');
const { closeSync, openSync, readFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { join } = require('node:path');
const { createThrowawayDatabase } = require('@shop/postgres');

const repositoryRoot = join(__dirname, '..');

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function lastLines(file, count = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts `apps/<app>/dist/main.js` with exactly `env` (plus PATH), logging to a file; resolves once /readyz is 200. */
async function startService(app, port, env, { logDir, nodeArgs = [] }) {
  const logFile = join(logDir, `${app}.log`);
  const logFd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, join(repositoryRoot, 'apps', app, 'dist', 'main.js')], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode} before it was ready; ${logFile}:\n${lastLines(logFile)}`);
    const ready = await fetch(`${url}/readyz`).then((res) => res.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} was not ready within 60 s; ${logFile}:\n${lastLines(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    app,
    url,
    pid: child.pid,
    logFile,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Deletes every key of this run's prefix (state and streams with their consumer groups). */
async function dropRedisPrefix(redisUrl, prefix) {
  const { createClient } = require('redis');
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    let cursor = '0';
    do {
      const page = await client.scan(cursor, { MATCH: `${prefix}:*`, COUNT: 1000 });
      cursor = String(page.cursor);
      if (page.keys.length > 0) await client.unlink(page.keys);
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}

/**
 * Starts the five processes. `options.profileDir` runs each with --cpu-prof (written there when it exits);
 * `options.passwordHashCost` sets auth's PASSWORD_HASH_COST (sign-up is set-up here, not what is measured).
 */
async function startProcessPlatform({ databaseServerUrl, redisUrl, logDir, logLevel = 'info', passwordHashCost, profileDir }) {
  const runId = randomBytes(4).toString('hex');
  const redisKeyPrefix = `bench${runId}`;
  const databases = [];
  const services = [];
  const stop = async () => {
    for (const service of [...services].reverse()) await service.stop();
    for (const database of databases) await database.drop().catch((error) => process.stderr.write(`could not drop ${database.name}: ${error.message}\n`));
    await dropRedisPrefix(redisUrl, redisKeyPrefix).catch((error) => process.stderr.write(`could not delete the Redis keys ${redisKeyPrefix}:*: ${error.message}\n`));
  };
  try {
    const apps = ['auth', 'catalog', 'cart', 'order'];
    const ports = {};
    for (const app of [...apps, 'gateway']) ports[app] = await freePort();
    const serviceUrls = apps.map((app) => `${app}=http://127.0.0.1:${ports[app]}`).join(',');
    const admin = { email: 'admin@bench.example', password: `Bench-admin-${randomBytes(12).toString('base64url')}` };
    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const common = {
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      SERVICE_URLS: serviceUrls,
      APP_API_TOKEN: randomBytes(24).toString('hex'),
      LOG_LEVEL: logLevel,
      TRUSTED_PROXIES: 'loopback',
    };
    const databaseFor = async (app) => {
      const database = await createThrowawayDatabase(databaseServerUrl, `bench_${app}`);
      databases.push(database);
      return database.url;
    };
    const perApp = {
      auth: async () => ({
        DATABASE_URL: await databaseFor('auth'),
        AUTH_SIGNING_KEYS: signingKey,
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
        ...(passwordHashCost ? { PASSWORD_HASH_COST: String(passwordHashCost) } : {}),
      }),
      catalog: async () => ({ DATABASE_URL: await databaseFor('catalog'), SEED_DEMO_CATALOG: 'true' }),
      cart: async () => ({}),
      order: async () => ({ DATABASE_URL: await databaseFor('order') }),
    };
    const nodeArgs = (app) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${app}-${runId}.cpuprofile`] : []);
    for (const app of apps) services.push(await startService(app, ports[app], { ...common, ...(await perApp[app]()) }, { logDir, nodeArgs: nodeArgs(app) }));
    // As in the README, the gateway gets the exported SERVICE_URLS (and believes no forwarded-for of its own).
    services.push(await startService('gateway', ports.gateway, { SERVICE_URLS: serviceUrls, LOG_LEVEL: logLevel }, { logDir, nodeArgs: nodeArgs('gateway') }));
    return {
      gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
      serviceUrl: (app) => services.find((s) => s.app === app).url,
      admin,
      services,
      databases,
      redisKeyPrefix,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

module.exports = { startProcessPlatform };

// `node bench/process-platform.js`: the same platform left running for a look by hand (Ctrl-C stops and cleans up).
if (require.main === module) {
  const { logDir } = require('./lib');
  const databaseServerUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseServerUrl || !redisUrl) {
    process.stderr.write('needs DATABASE_URL (a PostgreSQL server where it may create databases) and REDIS_URL\n');
    process.exit(2);
  }
  startProcessPlatform({ databaseServerUrl, redisUrl, logDir, logLevel: process.env.BENCH_LOG_LEVEL ?? 'info', passwordHashCost: 1024, profileDir: process.env.BENCH_PROFILE_DIR || undefined }).then(
    (platform) => {
      process.stdout.write(`gateway ${platform.gatewayUrl}\n${platform.services.map((s) => `${s.app} ${s.url} pid ${s.pid}`).join('\n')}\nlogs in ${logDir}\n`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        platform.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
