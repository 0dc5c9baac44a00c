import { createServiceMetrics } from '@shop/platform';
import { PgDatabase } from '@shop/postgres';
import { describeWithReplica, eventually } from '@shop/testing';
import { registerReadPathMetrics } from '../src/service-metrics';

describeWithReplica('read path metrics of a service on a real streaming replica', (database) => {
  let db: PgDatabase;
  beforeAll(() => {
    db = new PgDatabase({ url: database().primaryUrl, readUrl: database().replicaUrl, replicaLagCheckIntervalMs: 100 });
  });
  afterAll(() => db?.close());

  it('when reads are served by the replica, then /metrics tells its lag, that it is in the read path, and the reads by pool', async () => {
    const metrics = createServiceMetrics('read-path-test', { collectProcessMetrics: false });
    registerReadPathMetrics(metrics, db);
    await eventually(async () => db.readPathStatus().replicaLagSeconds !== undefined, 10_000);
    for (let read = 0; read < 3; read += 1) await db.readQuery('SELECT 1');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^db_replica_lag_seconds\{service="read-path-test"\} \d+(\.\d+)?$/m);
    expect(text).toMatch(/^db_replica_in_read_path\{service="read-path-test"\} 1$/m);
    expect(text).toMatch(/^db_reads_total\{pool="replica",reason="in_read_path",service="read-path-test"\} 3$/m);
    // A second scrape counts only what came since.
    await db.readQuery('SELECT 1');
    expect(await metrics.registry.metrics()).toMatch(/^db_reads_total\{pool="replica",reason="in_read_path",service="read-path-test"\} 4$/m);
  });
});

describeWithReplica('read path metrics of a service without a read replica', (database) => {
  let db: PgDatabase;
  beforeAll(() => {
    db = new PgDatabase({ url: database().primaryUrl });
  });
  afterAll(() => db?.close());

  it('when no replica is configured, then /metrics counts the reads as the primary\'s and shows no replica gauges', async () => {
    const metrics = createServiceMetrics('no-replica-test', { collectProcessMetrics: false });
    registerReadPathMetrics(metrics, db);
    await db.readQuery('SELECT 1');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^db_reads_total\{pool="primary",reason="no_replica",service="no-replica-test"\} 1$/m);
    expect(text).not.toMatch(/db_replica_lag_seconds|db_replica_in_read_path/);
  });
});
