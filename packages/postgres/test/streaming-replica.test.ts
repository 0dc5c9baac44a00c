import pg from 'pg';
import { describeWithReplica, eventually } from '@shop/testing';

/** A connected client; a connection the server ends (the database dropped at the end) must not crash the run. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The first column of the first row of `sql`. */
async function scalar<T>(client: pg.Client, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await client.query<Record<string, T>>(sql, params);
  return Object.values(rows[0] ?? {})[0];
}

/** Whether the replica has replayed WAL up to `lsn` (a position on the primary). */
async function replayedUpTo(replica: pg.Client, lsn: string): Promise<boolean> {
  return scalar<boolean>(replica, 'SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0', [lsn]);
}

// Seconds since the last transaction the replica replayed committed on the primary. It also grows while the primary
// is idle, so it is an upper bound of the lag; the WAL positions below are the exact measure.
const replayDelaySql = 'SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8';

describeWithReplica('PostgreSQL streaming replica (scripts/pg-replica.sh)', (database) => {
  let primary: pg.Client;
  let replica: pg.Client;

  beforeAll(async () => {
    primary = await connect(database().primaryUrl);
    replica = await connect(database().replicaUrl);
    await primary.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
  });

  afterAll(async () => {
    // Replay is paused for the whole server: never leave it so for the suites that come next.
    await replica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await replica?.end();
    await primary?.end();
  });

  it('when a row is written on the primary, then the replica serves it within 10 s', async () => {
    await primary.query("INSERT INTO items VALUES (1, 'written on the primary')");
    const name = await eventually(async () => (await replica.query<{ name: string }>('SELECT name FROM items WHERE id = 1')).rows[0]?.name, 10_000);
    expect(name).toBe('written on the primary');
  });

  it('when a client writes on the replica, then it refuses: read-only transaction, SQLSTATE 25006', async () => {
    expect(await scalar<boolean>(replica, 'SELECT pg_is_in_recovery()')).toBe(true);
    await expect(replica.query("INSERT INTO items VALUES (2, 'written on the replica')")).rejects.toMatchObject({
      code: '25006',
      message: 'cannot execute INSERT in a read-only transaction',
    });
  });

  it('when the replica has caught up, then its lag is measurable: the replay delay in seconds and the WAL bytes behind the primary', async () => {
    await primary.query("INSERT INTO items VALUES (3, 'lag probe')");
    const written = await scalar<string>(primary, 'SELECT pg_current_wal_lsn()::text');
    await eventually(() => replayedUpTo(replica, written), 10_000);

    const delaySeconds = await scalar<number>(replica, replayDelaySql);
    // The last replayed commit is ours or a later one of another suite; a commit replayed during this very
    // statement may even be a few microseconds after its now().
    expect(delaySeconds).toBeGreaterThan(-1);
    expect(delaySeconds).toBeLessThan(10);
    const received = await scalar<string>(replica, 'SELECT pg_last_wal_receive_lsn()::text');
    const bytesBehind = Number(await scalar<string>(primary, 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)', [received]));
    // Other suites write on the same server meanwhile, so the primary may be ahead again, never behind.
    expect(bytesBehind).toBeGreaterThanOrEqual(0);
  });

  it('when replay is paused, then a write on the primary stays invisible and the lag grows; once resumed, the replica catches up', async () => {
    let written = '';
    try {
      await replica.query('SELECT pg_wal_replay_pause()');
      // Pausing is a request the startup process honours at its next record (PostgreSQL 14+).
      await eventually(async () => (await scalar<string>(replica, 'SELECT pg_get_wal_replay_pause_state()')) === 'paused', 10_000);

      await primary.query("INSERT INTO items VALUES (4, 'written while paused')");
      written = await scalar<string>(primary, 'SELECT pg_current_wal_lsn()::text');
      // The WAL still arrives (the receiver runs on); it just is not applied.
      await eventually(() => scalar<boolean>(replica, 'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), $1::pg_lsn) >= 0', [written]), 10_000);
      expect((await replica.query('SELECT 1 FROM items WHERE id = 4')).rowCount).toBe(0);
      expect(await replayedUpTo(replica, written)).toBe(false);
      const bytesBehind = Number(await scalar<string>(replica, 'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())'));
      expect(bytesBehind).toBeGreaterThan(0);

      const delayBefore = await scalar<number>(replica, replayDelaySql);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const delayAfter = await scalar<number>(replica, replayDelaySql);
      expect(delayAfter - delayBefore).toBeGreaterThanOrEqual(0.25);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }

    await eventually(() => replayedUpTo(replica, written), 10_000);
    const name = await eventually(async () => (await replica.query<{ name: string }>('SELECT name FROM items WHERE id = 4')).rows[0]?.name, 10_000);
    expect(name).toBe('written while paused');
    expect(await scalar<string>(replica, 'SELECT pg_get_wal_replay_pause_state()')).toBe('not paused');
  });
});
