// Shared pieces of the benchmarks: start a target in a child process, load it with autocannon, print results.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const autocannon = require('autocannon');

const settings = {
  durationSeconds: Number(process.env.BENCH_DURATION ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 64),
};

/** Starts `node <script>` and resolves with the URL it prints on its READY line. */
function startTarget(script, env = {}, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk.toString();
      const match = /READY (\S+)/.exec(buffered);
      if (match) {
        child.stdout.off('data', onData);
        // Keep draining stdout so a chatty target never blocks on a full pipe.
        child.stdout.on('data', () => undefined);
        resolve({ url: match[1], stop: () => stopChild(child), extra: buffered });
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Loads `url` for the configured duration after a warm-up; returns requests/s and latency percentiles. */
async function load(url, options = {}) {
  const run = (duration) =>
    autocannon({ url, connections: options.connections ?? settings.connections, duration, method: options.method ?? 'GET', headers: options.headers, body: options.body, requests: options.requests });
  if (settings.warmupSeconds > 0) await run(settings.warmupSeconds);
  const result = await run(settings.durationSeconds);
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
    total: result.requests.total,
  };
}

/** Prints a table of results with each row's ratio to the baseline row. */
function printTable(title, rows, baselineName) {
  const baseline = rows.find((r) => r.name === baselineName);
  process.stdout.write(`\n${title} (${settings.connections} connections, ${settings.durationSeconds} s each after ${settings.warmupSeconds} s warm-up)\n`);
  const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx+errors', `vs ${baselineName}`];
  const lines = rows.map((r) => [
    r.name,
    r.requestsPerSecond.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.errors),
    baseline ? `${(r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}x` : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  process.stdout.write(`${format(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(format).join('\n')}\n`);
}

module.exports = { settings, startTarget, load, printTable };
