// The platform as README.md's "Running the services as separate processes on real PostgreSQL and Redis" starts it:
// auth, catalog, cart, order and the gateway, each its own Node process from its build, a PostgreSQL database per
// service (created fresh here, dropped at the end), Redis state and streams under a key prefix of this run only, a
// generated RSA signing key and a random APP_API_TOKEN. Logs go to files, as a container runtime would collect them.
// With `replicas` above 1, each of auth, catalog, cart and order runs that many processes on one database and one Redis
// prefix (replicas, as a Deployment's pods), listed in SERVICE_URLS as `app=url|url`; one gateway in front.
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

/**
 * Starts `apps/<app>/dist/main.js` with exactly `env` (plus PATH), logging to `<name>.log` (`name`: the app, or the
 * app and its replica number); resolves once /readyz is 200.
 */
async function startService(app, port, env, { logDir, nodeArgs = [], name = app }) {
  const logFile = join(logDir, `${name}.log`);
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
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready; ${logFile}:\n${lastLines(logFile)}`);
    const ready = await fetch(`${url}/readyz`).then((res) => res.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within 60 s; ${logFile}:\n${lastLines(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    app,
    name,
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
 * Starts the processes: `options.replicas` (default 1) of each service, then the gateway. `options.profileDir` runs
 * each with --cpu-prof (written there when it exits, one file per process); `options.passwordHashCost` sets auth's
 * PASSWORD_HASH_COST (sign-up is set-up here, not what is measured); `options.extraEnv` adds settings per app
 * (`{ catalog: { NAME: 'value' } }`).
 */
async function startProcessPlatform({ databaseServerUrl, redisUrl, logDir, logLevel = 'info', passwordHashCost, profileDir, replicas = 1, extraEnv = {} }) {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a whole number of at least 1, not ${replicas}`);
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
    // Each service's replica ports, and the gateway's.
    const ports = { gateway: await freePort() };
    for (const app of apps) {
      ports[app] = [];
      while (ports[app].length < replicas) ports[app].push(await freePort());
    }
    const serviceUrls = apps.map((app) => `${app}=${ports[app].map((port) => `http://127.0.0.1:${port}`).join('|')}`).join(',');
    const admin = { email: 'admin@bench.example', password: `Bench-admin-${randomBytes(12).toString('base64url')}` };
    const apiKeyHashSecret = randomBytes(32).toString('base64url');
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
        // One secret for every auth replica: a partner key issued by one verifies on the others.
        API_KEY_HASH_SECRET: apiKeyHashSecret,
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
        ...(passwordHashCost ? { PASSWORD_HASH_COST: String(passwordHashCost) } : {}),
      }),
      catalog: async () => ({ DATABASE_URL: await databaseFor('catalog'), SEED_DEMO_CATALOG: 'true' }),
      cart: async () => ({}),
      order: async () => ({ DATABASE_URL: await databaseFor('order') }),
    };
    const nodeArgs = (name) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${runId}.cpuprofile`] : []);
    for (const app of apps) {
      // One database and one set of settings per service, shared by its replicas.
      const env = { ...common, ...(await perApp[app]()), ...(extraEnv[app] ?? {}) };
      // One after the other: the first replica migrates its database (and seeds it) before the next one starts.
      for (const [index, port] of ports[app].entries()) {
        const name = replicas > 1 ? `${app}-${index + 1}` : app;
        services.push(await startService(app, port, env, { logDir, nodeArgs: nodeArgs(name), name }));
      }
    }
    // As in the README, the gateway gets the exported SERVICE_URLS (and believes no forwarded-for of its own).
    services.push(await startService('gateway', ports.gateway, { SERVICE_URLS: serviceUrls, LOG_LEVEL: logLevel }, { logDir, nodeArgs: nodeArgs('gateway') }));
    return {
      gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
      /** The URL of the service's first replica. */
      serviceUrl: (app) => services.find((s) => s.app === app).url,
      replicas,
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
  const replicas = Number(process.env.BENCH_REPLICAS || 1);
  startProcessPlatform({ databaseServerUrl, redisUrl, logDir, logLevel: process.env.BENCH_LOG_LEVEL ?? 'info', passwordHashCost: 1024, profileDir: process.env.BENCH_PROFILE_DIR || undefined, replicas }).then(
    (platform) => {
      process.stdout.write(`gateway ${platform.gatewayUrl}\n${platform.services.map((s) => `${s.name} ${s.url} pid ${s.pid}`).join('\n')}\nlogs in ${logDir}\n`);
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
