import pg from 'pg';
import { describeWithReplica, eventually } from '@shop/testing';
import { PgDatabase } from '../src/pg-database';

/** Which server answered a read: the replica is in recovery, the primary is not. */
const servedByReplicaSql = 'SELECT pg_is_in_recovery() AS in_recovery';

describeWithReplica('PgDatabase read path on a real streaming replica: the replica while it keeps up, the primary while it lags', (database) => {
  let db: PgDatabase;
  let replica: pg.Client;

  beforeAll(async () => {
    // A tight bound and a quick measurement, so that a paused replay is out of the read path within a few seconds.
    db = new PgDatabase({ url: database().primaryUrl, readUrl: database().replicaUrl, maxReplicaLagSeconds: 1, replicaLagCheckIntervalMs: 100 });
    replica = new pg.Client({ connectionString: database().replicaUrl });
    replica.on('error', () => undefined);
    await replica.connect();
    await db.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
  });

  afterAll(async () => {
    // Replay is paused for the whole server: never leave it so for the suites that come next.
    await replica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await replica?.end();
    await db?.close();
  });

  const servedByReplica = async () => (await db.readQuery<{ in_recovery: boolean }>(servedByReplicaSql)).rows[0].in_recovery;

  it('when the replica keeps up, then reads go to it, writes to the primary, and the status says so', async () => {
    await db.query("INSERT INTO notes VALUES (1, 'first')");
    await eventually(async () => (await db.readQuery<{ body: string }>('SELECT body FROM notes WHERE id = 1')).rows[0]?.body === 'first', 10_000);
    expect(await servedByReplica()).toBe(true);
    expect((await db.query<{ in_recovery: boolean }>(servedByReplicaSql)).rows[0].in_recovery).toBe(false);
    const status = db.readPathStatus();
    expect(status.replicaInReadPath).toBe(true);
    expect(status.replicaLagSeconds).toBeLessThanOrEqual(1);
    expect(status.reads.replica).toBeGreaterThan(0);
    expect(status.reads['primary:replica_lagging']).toBe(0);
  });

  it('when the replica falls behind its bound, then reads go to the primary (which has the new row) until it catches up, and the status counts why', async () => {
    try {
      await replica.query('SELECT pg_wal_replay_pause()');
      await db.query("INSERT INTO notes VALUES (2, 'written while the replica is paused')");
      // Out of the read path once its measured lag passes a second.
      await eventually(async () => !db.readPathStatus().replicaInReadPath, 15_000);
      expect(db.readPathStatus().replicaLagSeconds).toBeGreaterThan(1);
      const before = db.readPathStatus().reads['primary:replica_lagging'];
      expect(await servedByReplica()).toBe(false);
      expect((await db.readQuery<{ body: string }>('SELECT body FROM notes WHERE id = 2')).rows[0]?.body).toBe('written while the replica is paused');
      expect(db.readPathStatus().reads['primary:replica_lagging']).toBe(before + 2);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    // Caught up: back in the read path, and it has the row.
    await eventually(async () => db.readPathStatus().replicaInReadPath, 15_000);
    expect(await servedByReplica()).toBe(true);
    expect((await db.readQuery<{ body: string }>('SELECT body FROM notes WHERE id = 2')).rows[0]?.body).toBe('written while the replica is paused');
  }, 40_000);
});
