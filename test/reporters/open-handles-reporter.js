/**
 * Names what a run left open. With two cores Jest runs every suite in its own process (one worker means in band), so
 * a socket, timer or child process a suite forgot keeps Jest from exiting after the last result: CI once sat out its
 * whole time limit after "Ran all test suites". The config sets `forceExit`, so such a leak can no longer hang a run;
 * this reporter makes it visible, so it gets fixed instead of hidden: one line per handle still open when the results
 * are in. It waits for nothing (no timer): a leaked loop that keeps the event loop busy must not hold it either.
 */
function describe(handle) {
  const type = handle?.constructor?.name ?? typeof handle;
  if (type === 'Socket' || type === 'TLSSocket') {
    if (handle === process.stdout || handle === process.stderr || handle === process.stdin) return undefined;
    if (handle.fd !== undefined && handle.fd >= 0 && handle.fd <= 2) return undefined;
    const remote = handle.remoteAddress ? `${handle.remoteAddress}:${handle.remotePort}` : 'unconnected';
    return `${type} to ${remote}${handle.destroyed ? ' (destroyed)' : ''}`;
  }
  if (type === 'Server') {
    const address = handle.address?.();
    const openedBy = handle[Symbol.for('shop.test.openedBy')];
    return `Server listening on ${address && typeof address === 'object' ? `${address.address}:${address.port}` : address}${openedBy ? `, opened by ${openedBy}` : ''}`;
  }
  if (type === 'ChildProcess') return `ChildProcess ${handle.pid}: ${(handle.spawnargs ?? []).join(' ').slice(0, 160)}`;
  if (type === 'Timeout') {
    if (typeof handle.hasRef === 'function' && !handle.hasRef()) return undefined;
    const callback = handle._onTimer?.name || '(anonymous)';
    return `Timeout of ${handle._idleTimeout} ms${handle._repeat ? ' (repeating)' : ''} calling ${callback}`;
  }
  if (typeof handle.hasRef === 'function' && !handle.hasRef()) return undefined;
  return type;
}

class OpenHandlesReporter {
  onRunComplete() {
    if (typeof process._getActiveHandles !== 'function') return;
    const open = process._getActiveHandles().map(describe).filter(Boolean);
    if (open.length === 0) return;
    process.stdout.write('\nStill open after the run (a suite did not close them):\n');
    for (const line of open) process.stdout.write(`  - ${line}\n`);
  }
}
module.exports = OpenHandlesReporter;
