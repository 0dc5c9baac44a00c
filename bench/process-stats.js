// What the services spent during a scenario, read from outside them: CPU time from /proc/<pid>/stat, HTTP requests
// per route from each service's /metrics (both summed over a service's replicas), transactions per database from
// pg_stat_database, Redis commands from INFO. Each is a snapshot; a scenario takes one before and one after and
// reports the difference.
const { execFileSync } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const pg = require('pg');

const clockTicksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process in ms; undefined when it is gone. Fields counted after the ")" that ends comm. */
function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After comm: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12 here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}

/** CPU ms of all processes whose comm is `name` (PostgreSQL backends, redis-server): indicative on a shared machine. */
function cpuMsOfProcessesNamed(name) {
  let total = 0;
  let found = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
    } catch {
      continue;
    }
    const ms = cpuMsOf(entry);
    if (ms !== undefined) {
      total += ms;
      found += 1;
    }
  }
  return found > 0 ? total : undefined;
}

/** HTTP request counts and summed seconds per "service method route status" from the services' /metrics. */
async function httpCounters(services) {
  const counters = {};
  await Promise.all(
    services
      .filter((service) => service.app !== 'gateway')
      .map(async (service) => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        for (const line of text.split('\n')) {
          const match = /^http_request_duration_seconds_(count|sum)\{([^}]*)\} (\S+)/.exec(line);
          if (!match) continue;
          const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
          const key = `${service.app} ${labels.method} ${labels.route} ${labels.status_code}`;
          counters[key] ??= { count: 0, seconds: 0 };
          counters[key][match[1] === 'count' ? 'count' : 'seconds'] += Number(match[3]);
        }
      }),
  );
  return counters;
}

/**
 * Committed and rolled-back transactions of each of the run's databases, and the CPU ms of each PostgreSQL backend
 * connected to them (by pid, when the server runs on this machine): the services' share of the server, not that of
 * anything else using it.
 */
async function databaseUsage(serverUrl, databases) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const names = databases.map((d) => d.name);
    const { rows } = await client.query('SELECT datname, xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = ANY($1)', [names]);
    const backends = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()', [names]);
    const backendCpu = {};
    for (const { pid } of backends.rows) {
      const cpu = cpuMsOf(pid);
      if (cpu !== undefined) backendCpu[pid] = cpu;
    }
    return { transactions: Object.fromEntries(rows.map((row) => [row.datname, Number(row.xacts)])), backendCpu };
  } finally {
    await client.end();
  }
}

async function redisCommandsProcessed(redisUrl) {
  const { createClient } = require('redis');
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    const match = /total_commands_processed:(\d+)/.exec(await client.info('stats'));
    return match ? Number(match[1]) : undefined;
  } finally {
    await client.quit();
  }
}

/** One snapshot of everything above. */
async function snapshot(platform, { databaseServerUrl, redisUrl, detailed = false }) {
  // Per service, summed over its replicas' processes.
  const cpu = {};
  for (const service of platform.services) cpu[service.app] = (cpu[service.app] ?? 0) + (cpuMsOf(service.pid) ?? 0);
  const taken = { at: Date.now(), cpu };
  if (!detailed) return taken;
  taken.redisCpu = cpuMsOfProcessesNamed('redis-server');
  taken.http = await httpCounters(platform.services);
  Object.assign(taken, await databaseUsage(databaseServerUrl, platform.databases));
  taken.redisCommands = await redisCommandsProcessed(redisUrl);
  return taken;
}

/** The difference between two snapshots: CPU ms per service, all its replicas (and in total), and the detailed counters when taken. */
function difference(before, after) {
  const cpu = {};
  let total = 0;
  for (const app of Object.keys(after.cpu)) {
    cpu[app] = (after.cpu[app] ?? 0) - (before.cpu[app] ?? 0);
    total += cpu[app];
  }
  const result = { seconds: (after.at - before.at) / 1000, cpu, totalCpu: total };
  if (after.http) {
    // A backend that connected inside the window spent all its CPU inside it; one that left took its share along.
    const backends = Object.keys(after.backendCpu);
    result.postgresCpu = backends.length === 0 ? undefined : backends.reduce((sum, pid) => sum + after.backendCpu[pid] - (before.backendCpu[pid] ?? 0), 0);
    result.redisCpu = after.redisCpu !== undefined && before.redisCpu !== undefined ? after.redisCpu - before.redisCpu : undefined;
    result.http = {};
    for (const [key, value] of Object.entries(after.http)) {
      const earlier = before.http[key] ?? { count: 0, seconds: 0 };
      const count = value.count - earlier.count;
      if (count > 0) result.http[key] = { count, seconds: value.seconds - earlier.seconds };
    }
    result.transactions = {};
    for (const [name, xacts] of Object.entries(after.transactions)) result.transactions[name] = xacts - (before.transactions[name] ?? 0);
    result.redisCommands = after.redisCommands !== undefined && before.redisCommands !== undefined ? after.redisCommands - before.redisCommands : undefined;
  }
  return result;
}

module.exports = { snapshot, difference, cpuMsOf };
