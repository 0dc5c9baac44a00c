import { describeEachDatabase } from '@shop/testing';
import { PgDatabase, PgliteDatabase, createThrowawayDatabase, maintainMonthlyPartitions, type Database } from '@shop/postgres';

/** A fresh monthly-partitioned table with only its default partition. */
async function createTable(db: Database, table: string): Promise<void> {
  await db.exec(`
    CREATE TABLE ${table} (seq bigserial, item int NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
    CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT;
    CREATE INDEX ${table}_at_idx ON ${table} (item, at);`);
}

async function partitionsOf(db: Database, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1) ORDER BY 1',
    [table],
  );
  return rows.map((row) => row.name);
}

/** Which partition holds each row, by item. */
async function homesOf(db: Database, table: string): Promise<Record<number, string>> {
  const { rows } = await db.query<{ item: number; home: string }>(`SELECT item, tableoid::regclass::text AS home FROM ${table} ORDER BY item`);
  return Object.fromEntries(rows.map((row) => [row.item, row.home.replace(/^.*\./, '')]));
}

const now = new Date('2025-06-15T10:00:00Z');

describeEachDatabase<Database>(
  'maintainMonthlyPartitions',
  {
    pglite: async () => {
      const db = await PgliteDatabase.open();
      return { db, close: () => db.close() };
    },
    // In a schema of the service's own, as services run: the names are found through the search_path.
    postgres: async (url) => {
      const throwaway = await createThrowawayDatabase(url, 'partitions');
      const db = new PgDatabase({ url: throwaway.url, schema: 'svc', maxConnections: 10 });
      await db.query('CREATE SCHEMA svc');
      return {
        db,
        close: async () => {
          await db.close();
          await throwaway.drop();
        },
      };
    },
  },
  (getDb, kind) => {
    it('when run on a table with only its default partition, then it creates the current month and three ahead, and a second run changes nothing', async () => {
      await createTable(getDb(), 'ahead');
      const first = await maintainMonthlyPartitions(getDb(), { table: 'ahead', retentionMonths: 13, now });
      expect(first).toEqual({ created: ['ahead_y2025m06', 'ahead_y2025m07', 'ahead_y2025m08', 'ahead_y2025m09'], dropped: [], movedFromDefault: 0 });
      expect(await maintainMonthlyPartitions(getDb(), { table: 'ahead', retentionMonths: 13, now })).toEqual({ created: [], dropped: [], movedFromDefault: 0 });
      expect(await partitionsOf(getDb(), 'ahead')).toEqual(['ahead_default', 'ahead_y2025m06', 'ahead_y2025m07', 'ahead_y2025m08', 'ahead_y2025m09']);
      await getDb().query("INSERT INTO ahead (item, at) VALUES (1, '2025-06-30T23:59:59.999Z'), (2, '2025-07-01T00:00:00Z')");
      expect(await homesOf(getDb(), 'ahead')).toEqual({ 1: 'ahead_y2025m06', 2: 'ahead_y2025m07' });
    });

    it('when a month has no partition, then an insert for it lands in the default partition, and the next run moves it out', async () => {
      await createTable(getDb(), 'stranded');
      await getDb().query("INSERT INTO stranded (item, at) VALUES (1, '2025-06-02T00:00:00Z'), (2, '2031-03-01T00:00:00Z'), (3, '2025-05-20T12:00:00Z')");
      expect(await homesOf(getDb(), 'stranded')).toEqual({ 1: 'stranded_default', 2: 'stranded_default', 3: 'stranded_default' });
      const result = await maintainMonthlyPartitions(getDb(), { table: 'stranded', retentionMonths: 13, now });
      // May (before the current month, within retention) and the far future get their partitions because rows wait for them.
      expect(result.created).toEqual(['stranded_y2025m05', 'stranded_y2025m06', 'stranded_y2025m07', 'stranded_y2025m08', 'stranded_y2025m09', 'stranded_y2031m03']);
      expect(result.movedFromDefault).toBe(3);
      expect(await homesOf(getDb(), 'stranded')).toEqual({ 1: 'stranded_y2025m06', 2: 'stranded_y2031m03', 3: 'stranded_y2025m05' });
      const { rows } = await getDb().query<{ seq: number }>('SELECT seq FROM stranded ORDER BY seq');
      expect(rows.map((row) => row.seq)).toEqual([1, 2, 3]);
    });

    it('when partitions are past retention, then it detaches and drops them (and deletes default rows past it) and keeps the rest', async () => {
      await createTable(getDb(), 'old');
      await maintainMonthlyPartitions(getDb(), { table: 'old', retentionMonths: 13, now: new Date('2024-03-10T00:00:00Z'), monthsAhead: 15 });
      await getDb().query("INSERT INTO old (item, at) VALUES (1, '2024-04-30T00:00:00Z'), (2, '2024-05-01T00:00:00Z'), (3, '2020-01-01T00:00:00Z')");
      const result = await maintainMonthlyPartitions(getDb(), { table: 'old', retentionMonths: 13, now });
      // Cut-off 2024-05-01: April 2024 and before are gone, May 2024 (partly within 13 months of June 2025) stays.
      expect(result.dropped).toEqual(['old_y2024m03', 'old_y2024m04']);
      expect(await partitionsOf(getDb(), 'old')).not.toContain('old_y2024m04');
      expect(await partitionsOf(getDb(), 'old')).toContain('old_y2024m05');
      expect(await homesOf(getDb(), 'old')).toEqual({ 2: 'old_y2024m05' });
    });

    if (kind === 'postgres') {
      it('when two runs start at once, then both succeed, each partition is created once, and the table ends the same', async () => {
        await createTable(getDb(), 'racing');
        await getDb().query("INSERT INTO racing (item, at) VALUES (1, '2025-07-04T00:00:00Z')");
        const results = await Promise.all([1, 2].map(() => maintainMonthlyPartitions(getDb(), { table: 'racing', retentionMonths: 13, now })));
        expect(results.flatMap((result) => result.created).sort()).toEqual(['racing_y2025m06', 'racing_y2025m07', 'racing_y2025m08', 'racing_y2025m09']);
        expect(results.map((result) => result.movedFromDefault).sort()).toEqual([0, 1]);
        expect(await partitionsOf(getDb(), 'racing')).toEqual(['racing_default', 'racing_y2025m06', 'racing_y2025m07', 'racing_y2025m08', 'racing_y2025m09']);
        expect(await homesOf(getDb(), 'racing')).toEqual({ 1: 'racing_y2025m07' });
      });

      it('when inserts run while the partitions are made, then none fails and every row is kept', async () => {
        await createTable(getDb(), 'busy');
        const inserts = Array.from({ length: 20 }, (_, i) => getDb().query("INSERT INTO busy (item, at) VALUES ($1, '2025-06-20T00:00:00Z')", [i]));
        const [result] = await Promise.all([maintainMonthlyPartitions(getDb(), { table: 'busy', retentionMonths: 13, now }), ...inserts]);
        expect(result.created).toContain('busy_y2025m06');
        const { rows } = await getDb().query<{ n: number }>('SELECT count(*)::int AS n FROM busy');
        expect(rows[0].n).toBe(20);
        // A row inserted after the run committed sits in its partition; one before was moved there.
        const homes = new Set(Object.values(await homesOf(getDb(), 'busy')));
        expect([...homes]).toEqual(['busy_y2025m06']);
      });
    }

    it('when the table name is not a plain name, then it refuses before any SQL', async () => {
      await expect(maintainMonthlyPartitions(getDb(), { table: 'x; DROP TABLE y', retentionMonths: 13, now })).rejects.toThrow(/plain table name/);
    });
  },
);
