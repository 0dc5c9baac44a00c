import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeNeedingBackend } from './backend-requirement';
import { backendUrl } from './backends';

/** The variable that points at a streaming replica of DATABASE_URL's server (`scripts/pg-replica.sh url`). */
export const ReplicaUrlVariable = 'DATABASE_REPLICA_URL';

/** A throwaway database created on the primary, and the URL of the same database on its streaming replica. */
export interface ReplicatedDatabase {
  /** The database's name, the same on both servers. */
  name: string;
  /** The database on the primary: writes go here. */
  primaryUrl: string;
  /** The database on the replica: read-only, behind the primary by the replication lag. */
  replicaUrl: string;
}

/** `url` with its path naming `database`. */
function urlOfDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs `sql` on a connection of its own to `url`. */
async function runOnce(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The same database on another server: a physical replica has every database of its primary, by the same names. */
export function databaseOnServer(databaseUrl: string, serverUrl: string): string {
  return urlOfDatabase(serverUrl, new URL(databaseUrl).pathname.slice(1));
}

/**
 * Waits until a database the primary just created can be connected to on its replica (its CREATE DATABASE replayed),
 * at most `timeoutMs`. SQLSTATE 3D000 (no such database) means "not yet"; any other failure, or too long, throws.
 */
export async function untilDatabaseOnReplica(replicaDatabaseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await runOnce(replicaDatabaseUrl, 'SELECT 1');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '3D000' || Date.now() > deadline) {
        throw new Error(`database ${new URL(replicaDatabaseUrl).pathname.slice(1)} did not appear on the replica within ${timeoutMs} ms: ${String(error)}`, { cause: error });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Creates a database on the primary and waits until the replica has replayed it (a connection to it succeeds), at
 * most `timeoutMs`; `drop` removes it on the primary, and so, by replication, on the replica.
 */
export async function createReplicatedDatabase(primaryServerUrl: string, replicaServerUrl: string, prefix = 'repl', timeoutMs = 30_000): Promise<ReplicatedDatabase & { drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  await runOnce(primaryServerUrl, `CREATE DATABASE "${name}"`);
  const database = { name, primaryUrl: urlOfDatabase(primaryServerUrl, name), replicaUrl: urlOfDatabase(replicaServerUrl, name) };
  const drop = () => runOnce(primaryServerUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  try {
    await untilDatabaseOnReplica(database.replicaUrl, timeoutMs);
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { ...database, drop };
}

/**
 * `describe` for a suite about real streaming replication: it runs when DATABASE_URL and DATABASE_REPLICA_URL are set
 * and gives `body` a throwaway database created on the primary, already replicated, with its URL on both servers
 * (`get()` inside the tests; dropped after the suite). Otherwise the suite is skipped and its title says why, or,
 * under REQUIRE_BACKENDS=1 (`.ci/run`, which starts the replica with scripts/pg-replica.sh), it fails: CI cannot go
 * green without the replica suites.
 */
export function describeWithReplica(title: string, body: (get: () => ReplicatedDatabase) => void, prefix = 'repl'): void {
  const primary = backendUrl('postgres');
  const replica = process.env[ReplicaUrlVariable]?.trim();
  if (!primary || !replica) {
    const missing = [!primary && 'DATABASE_URL', !replica && ReplicaUrlVariable].filter(Boolean).join(' and ');
    const reason = `${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set, so no PostgreSQL streaming replica to test against (scripts/pg-replica.sh start)`;
    describeNeedingBackend(title, { missing: reason }, () => undefined, 'a primary and its streaming replica');
    return;
  }
  describe(title, () => {
    let current: (ReplicatedDatabase & { drop(): Promise<void> }) | undefined;
    beforeAll(async () => {
      current = await createReplicatedDatabase(primary, replica, prefix);
    }, 60_000);
    body(() => {
      if (!current) throw new Error('replicated database not created');
      return current;
    });
    // Declared after the body's hooks, so it runs after them (Jest runs afterAll hooks in order): the suite has
    // closed its connections (and resumed a paused replay) before the drop ends them.
    afterAll(async () => {
      await current?.drop();
    });
  });
}

/** Read counts by where they were served, as a database's `readPathStatus().reads` gives them (`@shop/postgres`). */
export type ReadCounts = Readonly<Record<'replica' | 'primary:no_replica' | 'primary:replica_unavailable' | 'primary:replica_lagging', number>>;

/** Where a request's reads went, in a form a test can compare: the replica, the primary's fallback, or no read-pool read. */
export type ReadPoolUsed = 'replica' | 'primary' | `primary (fallback: ${string})`;

/**
 * Which pool served the reads between two read counts: the replica if it served any; else the reasons the primary
 * answered in its place; else `primary`: nothing went through the read pool, every query of the request went to the
 * primary.
 */
export function readPoolUsed(before: ReadCounts, after: ReadCounts): ReadPoolUsed {
  if (after.replica > before.replica) return 'replica';
  const fallbacks = (['primary:no_replica', 'primary:replica_unavailable', 'primary:replica_lagging'] as const).filter((reason) => after[reason] > before[reason]);
  return fallbacks.length === 0 ? 'primary' : `primary (fallback: ${fallbacks.join(', ')})`;
}
