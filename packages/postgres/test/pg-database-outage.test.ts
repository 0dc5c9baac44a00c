import { AppError, silentLogger, type Logger } from '@shop/kernel';
import { PgDatabase, createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { describeWithBackend, eventually, startTcpProxy, type TcpProxy } from '@shop/testing';

/** A logger that keeps the messages of warnings and infos. */
function recordingLogger(): { logger: Logger; warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (_details, message) => void warnings.push(message),
    info: (_details, message) => void infos.push(message),
    child: () => logger,
  };
  return { logger, warnings, infos };
}

/** How a call ended and how long it took. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; error?: unknown }> {
  const startedAt = performance.now();
  try {
    await call();
    return { ms: performance.now() - startedAt };
  } catch (error) {
    return { ms: performance.now() - startedAt, error };
  }
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ type: 'unavailable', detail: 'The database is unavailable; try again shortly', retryAfterSeconds: 1 });
}

function proxyTarget(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5432) };
}

// Small timeouts, so that the stalled cases end quickly; the defaults are 5000 ms (statement) and 5000 ms (acquire).
const faultTimeouts = { statementTimeoutMs: 300, acquireTimeoutMs: 300, pingTimeoutMs: 300, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 500 } };

describeWithBackend('postgres', 'PgDatabase while its server fails', (serverUrl) => {
  let throwaway: ThrowawayDatabase;
  let direct: PgDatabase;
  let proxy: TcpProxy;
  let db: PgDatabase;
  let log: ReturnType<typeof recordingLogger>;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(serverUrl, 'pg_outage');
    direct = new PgDatabase({ url: throwaway.url });
    await direct.exec('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
    proxy = await startTcpProxy(proxyTarget(throwaway.url));
    log = recordingLogger();
    db = new PgDatabase({ url: proxy.urlFor(throwaway.url), logger: log.logger, ...faultTimeouts });
  }, 60_000);

  afterAll(async () => {
    proxy?.resume();
    await db?.close();
    await proxy?.close();
    await direct?.close();
    await throwaway?.drop();
  });

  beforeEach(async () => {
    proxy.resume();
    // The breaker of the previous test closes on the first call after its half-open delay.
    await eventually(async () => (await db.query('SELECT 1')).rowCount === 1, 10_000);
    await direct.query('DELETE FROM items');
    log.warnings.length = 0;
    log.infos.length = 0;
  });

  it('when the server refuses connections, then each call fails at once with the 503 error, the breaker opens after three and stops connecting, ping names the reason, and calls work again within 10 s of the server coming back', async () => {
    proxy.refuse();
    const firstThree = [];
    for (let call = 0; call < 3; call += 1) firstThree.push(await timed(() => db.query('SELECT 1')));
    for (const { error, ms } of firstThree) {
      expectUnavailable(error);
      expect(ms).toBeLessThan(1000);
    }
    const connectionsWhenOpen = proxy.connectionsAccepted;
    const whileOpen = [
      await timed(() => db.query('SELECT 1')),
      await timed(() => db.readQuery('SELECT 1')),
      await timed(() => db.transaction((tx) => tx.query('SELECT 1'))),
      await timed(() => db.exec('SELECT 1')),
    ];
    for (const { error, ms } of whileOpen) {
      expectUnavailable(error);
      expect(ms).toBeLessThan(1000);
    }
    // The open breaker answered without trying the server.
    expect(proxy.connectionsAccepted).toBe(connectionsWhenOpen);
    expect(log.warnings).toEqual(['database primary unavailable; calls fail fast until it answers again']);

    // The readiness probe asks the server itself, not the breaker.
    const ping = await timed(() => db.ping());
    expect(String(ping.error)).toMatch(/PostgreSQL primary did not answer/);
    expect(ping.ms).toBeLessThan(1000);
    expect(proxy.connectionsAccepted).toBeGreaterThan(connectionsWhenOpen);

    proxy.resume();
    const resumedAt = Date.now();
    await eventually(async () => (await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one === 1, 10_000);
    expect(Date.now() - resumedAt).toBeLessThan(10_000);
    await db.ping();
    expect(log.infos).toContain('database primary answers again');
  });

  it('when statements fail on the server (a unique violation, a missing table, a rolled-back transaction), then they pass through unchanged and never open the breaker', async () => {
    await db.query("INSERT INTO items VALUES (1, 'first')");
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await expect(db.query("INSERT INTO items VALUES (1, 'again')")).rejects.toMatchObject({ code: '23505' });
      await expect(db.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO items VALUES (2, 'second')");
          throw new AppError('conflict', 'The service changed its mind');
        }),
      ).rejects.toMatchObject({ type: 'conflict' });
    }
    // Fifteen failures in a row: had one of them counted, the breaker (three) would refuse this.
    expect((await db.query<{ n: number }>('SELECT count(*) AS n FROM items')).rows[0].n).toBe(1);
    expect(log.warnings).toEqual([]);
  });

  it('when the server stalls (no answer, no reset), then the first calls end within the statement timeout, the next ones fail fast once the breaker is open, ping answers within its timeout, and calls work again after the stall', async () => {
    proxy.pause();
    const calls = [];
    for (let call = 0; call < 8; call += 1) calls.push(await timed(() => db.query('SELECT 1')));
    for (const { error } of calls) expectUnavailable(error);
    // Client-side limit: the statement timeout (300 ms) plus its margin (500 ms), or the acquire timeout (300 ms).
    for (const { ms } of calls.slice(0, 3)) expect(ms).toBeLessThan(2000);
    for (const { ms } of calls.slice(3)) expect(ms).toBeLessThan(1000);
    const ping = await timed(() => db.ping());
    expect(String(ping.error)).toMatch(/PostgreSQL primary did not answer/);
    expect(ping.ms).toBeLessThan(1000);

    proxy.resume();
    await eventually(async () => (await db.query('SELECT 1')).rowCount === 1, 10_000);
  });

  it('when the connection dies inside a transaction, then the transaction fails with 503, nothing of it is committed, and later transactions get working connections', async () => {
    const refusedMidway = await timed(() =>
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO items VALUES (10, 'written before the outage')");
        proxy.refuse();
        await tx.query("INSERT INTO items VALUES (11, 'written during the outage')");
      }),
    );
    expectUnavailable(refusedMidway.error);
    expect(refusedMidway.ms).toBeLessThan(1000);
    proxy.resume();
    await eventually(async () => (await db.query('SELECT 1')).rowCount === 1, 10_000);

    const stalledMidway = await timed(() =>
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO items VALUES (12, 'written before the stall')");
        proxy.pause();
        await tx.query("INSERT INTO items VALUES (13, 'written during the stall')");
      }),
    );
    expectUnavailable(stalledMidway.error);
    expect(stalledMidway.ms).toBeLessThan(2000);
    proxy.resume();

    await eventually(async () => (await db.query('SELECT 1')).rowCount === 1, 10_000);
    // Ten transactions in a row: a broken connection handed out again would fail one of them.
    for (let n = 0; n < 10; n += 1) await db.transaction((tx) => tx.query('INSERT INTO items VALUES ($1, $2)', [100 + n, 'after']));
    const { rows } = await direct.query<{ id: number }>('SELECT id FROM items WHERE id < 100 ORDER BY id');
    expect(rows).toEqual([]);
  });

  it('when the read replica cannot be reached, then reads are answered by the primary', async () => {
    const replicaProxy = await startTcpProxy(proxyTarget(throwaway.url));
    const withReplica = new PgDatabase({ url: throwaway.url, readUrl: replicaProxy.urlFor(throwaway.url), ...faultTimeouts });
    try {
      await direct.query("INSERT INTO items VALUES (20, 'on the primary')");
      expect((await withReplica.readQuery<{ name: string }>('SELECT name FROM items WHERE id = 20')).rows).toEqual([{ name: 'on the primary' }]);
      replicaProxy.refuse();
      for (let read = 0; read < 6; read += 1) {
        const answer = await timed(() => withReplica.readQuery('SELECT name FROM items WHERE id = 20'));
        expect(answer.error).toBeUndefined();
        expect(answer.ms).toBeLessThan(1000);
      }
      await withReplica.ping();
    } finally {
      replicaProxy.resume();
      await withReplica.close();
      await replicaProxy.close();
    }
  });

  it('when every pooled connection stays busy past the acquire timeout, then the waiting calls fail with 503 but the breaker stays closed', async () => {
    const single = new PgDatabase({ url: throwaway.url, maxConnections: 1, ...faultTimeouts });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = single.transaction(async () => held);
    try {
      for (let call = 0; call < 4; call += 1) {
        const waited = await timed(() => single.query('SELECT 1'));
        expectUnavailable(waited.error);
        expect(waited.ms).toBeLessThan(1000);
      }
      release();
      await holding;
      // Four failures in a row; a closed breaker lets this through at once.
      expect((await single.query('SELECT 1')).rowCount).toBe(1);
    } finally {
      release();
      await holding.catch(() => undefined);
      await single.close();
    }
  });
});
