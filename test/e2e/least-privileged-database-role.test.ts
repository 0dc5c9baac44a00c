import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateAuthDatabase } from '@shop/auth';
import { migrateCatalog } from '@shop/catalog';
import { migrateOrderDatabase } from '@shop/order';
import { enqueueEvent } from '@shop/outbox';
import { PgDatabase, createThrowawayDatabase, type Database, type ThrowawayDatabase } from '@shop/postgres';
import { describeWithBackend } from '@shop/testing';

/**
 * What a service's role holds in Azure: `GRANT ALL ON DATABASE <its database> TO <its role>` (docs/deployment.md), and
 * nothing on the `public` schema, which PostgreSQL 15 and later (Azure's 16 too) no longer lets PUBLIC create in.
 * The machine's PostgreSQL 15 enforces the same rule, so the migrations run here as such a role.
 */
describeWithBackend('postgres', 'service migrations as a role granted only ALL ON DATABASE', (serverUrl) => {
  const services: Array<{ appId: string; migrate: (db: Database) => Promise<unknown>; table: string }> = [
    { appId: 'auth', migrate: migrateAuthDatabase, table: 'users' },
    { appId: 'catalog', migrate: migrateCatalog, table: 'products' },
    { appId: 'order', migrate: migrateOrderDatabase, table: 'orders' },
  ];
  const role = `svc_${randomBytes(4).toString('hex')}`;
  const databases: ThrowawayDatabase[] = [];
  const opened: Database[] = [];

  async function asSuperuser<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** A fresh database the role may use as Azure's deployment grants it, and its URL signed in as that role. */
  async function databaseForRole(prefix: string): Promise<{ url: string; superuserUrl: string }> {
    const throwaway = await createThrowawayDatabase(serverUrl, prefix);
    databases.push(throwaway);
    await asSuperuser(throwaway.url, (client) => client.query(`GRANT ALL ON DATABASE "${throwaway.name}" TO ${role}`));
    const url = new URL(throwaway.url);
    url.username = role;
    url.password = '';
    return { url: url.toString(), superuserUrl: throwaway.url };
  }

  beforeAll(async () => {
    await asSuperuser(serverUrl, (client) => client.query(`CREATE ROLE ${role} LOGIN`));
  });

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    for (const database of databases) await database.drop();
    await asSuperuser(serverUrl, (client) => client.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it('when a service migrates without a schema of its own, then PostgreSQL refuses to create its tables in public (the failure on Azure)', async () => {
    const { url } = await databaseForRole('lp_public');
    const db = new PgDatabase({ url });
    opened.push(db);
    await expect(migrateCatalog(db)).rejects.toThrow(/permission denied for schema public/);
  });

  it.each(services)('when $appId migrates in its own schema, then every table is created there, owned by the role, and the service reads and writes it', async ({ appId, migrate, table }) => {
    const { url, superuserUrl } = await databaseForRole(`lp_${appId}`);
    const db = new PgDatabase({ url, schema: appId });
    opened.push(db);
    await migrate(db);
    await migrate(db); // a restart applies nothing again
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    expect(rows[0].n).toBe(0);
    // A write as the service makes one with every change: an event into its outbox, in a transaction.
    await db.transaction((tx) => enqueueEvent(tx, 'least-privilege', { type: 'probe.written', subject: appId, data: {} }));
    const written = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_events WHERE type = 'probe.written'");
    expect(written.rows[0].n).toBe(1);
    const placed = await asSuperuser(superuserUrl, async (client) => {
      const found = await client.query<{ schema: string; owner: string }>(
        `SELECT n.nspname AS schema, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relname = $1 AND c.relkind = 'r'`,
        [table],
      );
      return found.rows;
    });
    expect(placed).toEqual([{ schema: appId, owner: role }]);
  });
});
