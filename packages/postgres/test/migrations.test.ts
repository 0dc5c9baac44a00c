import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDatabase } from '@shop/testing';
import { MigrationError, PgliteDatabase, migrate, openThrowawayPgDatabase, splitSqlStatements, type Database } from '@shop/postgres';

async function migrationsFolder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
  await Promise.all(Object.entries(files).map(([name, sql]) => writeFile(join(dir, name), sql)));
  return dir;
}

describeEachDatabase<Database>(
  'migrate',
  {
    pglite: async () => {
      const db = await PgliteDatabase.open();
      return { db, close: () => db.close() };
    },
    postgres: (url) => openThrowawayPgDatabase(url, 'migrations'),
  },
  (getDb, kind) => {
    it('when run on an empty database, then applies every file in order, once', async () => {
      const dir = await migrationsFolder({
        '001_create_items.sql': 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);',
        '002_add_price.sql': "ALTER TABLE items ADD COLUMN price int NOT NULL DEFAULT 0; -- a comment; with a semicolon\nINSERT INTO items VALUES (1, 'a;b', 5);",
      });
      expect(await migrate(getDb(), dir)).toEqual(['001_create_items.sql', '002_add_price.sql']);
      expect(await migrate(getDb(), dir)).toEqual([]);
      const { rows } = await getDb().query<{ name: string; price: number }>('SELECT name, price FROM items');
      expect(rows).toEqual([{ name: 'a;b', price: 5 }]);
    });

    it('when a migration fails, then nothing of that run is applied and the error names the file', async () => {
      const dir = await migrationsFolder({
        '001_ok.sql': 'CREATE TABLE ok_table (id int);',
        '002_broken.sql': 'CREATE TABLE broken (id int); SELECT * FROM no_such_table;',
      });
      await expect(migrate(getDb(), dir, { lockKey: 'failing' })).rejects.toThrow(MigrationError);
      await expect(migrate(getDb(), dir, { lockKey: 'failing' })).rejects.toThrow(/002_broken\.sql/);
      const { rows } = await getDb().query("SELECT to_regclass('ok_table') AS t");
      expect(rows[0]).toEqual({ t: null });
    });

    it('when an applied migration was edited, then it refuses to run', async () => {
      const dir = await migrationsFolder({ '001_edit_me.sql': 'CREATE TABLE edit_me (id int);' });
      await migrate(getDb(), dir, { lockKey: 'edit' });
      await writeFile(join(dir, '001_edit_me.sql'), 'CREATE TABLE edit_me (id bigint);');
      await expect(migrate(getDb(), dir, { lockKey: 'edit' })).rejects.toThrow(/changed after it had been applied/);
    });

    if (kind === 'postgres') {
      it('when several replicas migrate at once, then each file is applied exactly once', async () => {
        const dir = await migrationsFolder({
          '001_counter.sql': 'CREATE TABLE counter (n int); INSERT INTO counter VALUES (0);',
          '002_bump.sql': 'UPDATE counter SET n = n + 1;',
        });
        const results = await Promise.all(Array.from({ length: 5 }, () => migrate(getDb(), dir, { lockKey: 'race' })));
        expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
        const { rows } = await getDb().query('SELECT n FROM counter');
        expect(rows).toEqual([{ n: 1 }]);
      });
    }
  },
);

describe('splitSqlStatements', () => {
  it('when semicolons sit in strings, dollar quotes and comments, then only real statement ends split', () => {
    const script = "SELECT ';'; /* ; */ CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; -- ;\nSELECT \"a;b\" FROM t";
    expect(splitSqlStatements(script)).toEqual(["SELECT ';'", 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', 'SELECT "a;b" FROM t']);
  });
});
