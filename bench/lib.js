// Shared pieces of the benchmarks: start a target in a child process, load it with autocannon, print results.
const { spawn } = require('node:child_process');
const { closeSync, mkdtempSync, openSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { basename, join } = require('node:path');
const autocannon = require('autocannon');

const logDir = mkdtempSync(join(tmpdir(), 'bench-logs-'));

const settings = {
  durationSeconds: Number(process.env.BENCH_DURATION ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 64),
};

/**
 * Starts `node <script>` and resolves with the URL it reports on its READY line. The target's stdout (its logs)
 * goes to a file, as a container runtime would take it, so reading logs costs the load generator nothing; the
 * READY line comes on file descriptor 3.
 */
function startTarget(script, env = {}, nodeArgs = []) {
  const logFile = join(logDir, `${basename(script, '.js')}-${Date.now()}.log`);
  const logFd = openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', logFd, 'inherit', 'pipe'],
    });
    closeSync(logFd);
    let buffered = '';
    child.stdio[3].on('data', (chunk) => {
      buffered += chunk.toString();
      const match = /READY (\S+)/.exec(buffered);
      if (match) resolve({ url: match[1], stop: () => stopChild(child), extra: buffered, logFile });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready (log: ${logFile})`)));
  });
}

/** What a target calls once it listens: reports its URL (and any extra words) to the harness on fd 3. */
function reportReady(words) {
  require('node:fs').writeSync(3, `READY ${words}\n`);
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/**
 * Loads `url` for the configured duration after a warm-up; returns requests/s and latency percentiles (p95 from the
 * response times of the measured run, since autocannon reports p90 and p97.5 but not p95). `options.durationSeconds`,
 * `warmupSeconds` and `connections` override the settings for one call.
 */
async function load(url, options = {}) {
  const run = (duration, responseTimes) =>
    new Promise((resolve, reject) => {
      const instance = autocannon(
        { url, connections: options.connections ?? settings.connections, duration, method: options.method ?? 'GET', headers: options.headers, body: options.body, requests: options.requests },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      if (responseTimes) instance.on('response', (_client, _status, _bytes, responseTime) => responseTimes.push(responseTime));
    });
  const warmupSeconds = options.warmupSeconds ?? settings.warmupSeconds;
  if (warmupSeconds > 0) await run(warmupSeconds);
  const responseTimes = [];
  const result = await run(options.durationSeconds ?? settings.durationSeconds, responseTimes);
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p95: percentile(responseTimes, 95),
    p99: result.latency.p99,
    errors,
    total: result.requests.total,
  };
}

/** The p-th percentile (nearest rank) of a list of numbers; NaN when it is empty. Sorts the list in place. */
function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))];
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

module.exports = { settings, startTarget, reportReady, load, percentile, printTable, logDir };
