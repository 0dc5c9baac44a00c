import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describeNeedingBackend, type BackendAvailability } from './backend-requirement';
import { freePort } from './free-port';

const run = promisify(execFile);

/** The variable naming the folder of the PostgreSQL server binaries (as in scripts/pg-replica.sh). */
export const PostgresBinariesVariable = 'PG_BIN';
const defaultPostgresBinaries = '/usr/lib/postgresql/15/bin';
const neededBinaries = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

/**
 * A private PostgreSQL primary and its streaming replica, started for one suite: unlike the shared replica of
 * scripts/pg-replica.sh (port 5433, read by suites running in parallel), this one may be crashed and promoted.
 * Replication is synchronous (`synchronous_commit = remote_apply`), as Azure's zone-redundant HA standby is: a commit
 * returns only once the replica has applied it, so nothing confirmed is lost when the primary dies.
 */
export interface ReplicationPair {
  /** The primary's `postgres` database (trust auth as `postgres`): writes go here until it is stopped. */
  primaryServerUrl: string;
  /** The replica's `postgres` database: read-only until promoted, then the new primary. */
  replicaServerUrl: string;
  /** Stops the primary; `immediate` (the default) is a crash: no checkpoint, connections cut. */
  stopPrimary(options?: { mode?: 'immediate' | 'fast' }): Promise<void>;
  /** Promotes the replica (`pg_ctl promote`) and waits until it is out of recovery and accepts writes. */
  promoteReplica(): Promise<void>;
  /** The tail of both servers' logs, for a failure message. */
  logs(): Promise<string>;
  /** Stops both servers (immediately) and removes their folders; never throws, so it is safe in `afterAll`. */
  close(): Promise<void>;
}

/** Where the PostgreSQL binaries are when a private pair can be started here, else why not. */
export function replicationPairAvailability(env: NodeJS.ProcessEnv = process.env): BackendAvailability<{ binaries: string }> {
  const binaries = env[PostgresBinariesVariable]?.trim() || defaultPostgresBinaries;
  const absent = neededBinaries.filter((name) => !existsSync(join(binaries, name)));
  if (absent.length > 0) {
    return { missing: `${absent.join(', ')} not found in ${binaries} (set ${PostgresBinariesVariable}), so no private PostgreSQL primary and replica to fail over` };
  }
  const user = userInfo().username;
  // Servers refuse to run as root; root hands them to `postgres` through runuser, anyone else cannot.
  if (process.getuid?.() !== 0 && user !== 'postgres') {
    return { missing: `the tests run as ${user}, not root or postgres, so they cannot start private PostgreSQL servers to fail over` };
  }
  return { found: { binaries } };
}

/** Runs one PostgreSQL binary as the `postgres` OS user. */
async function asPostgres(binaries: string, binary: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const path = join(binaries, binary);
  const [command, commandArgs] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  try {
    const { stdout } = await run(command, commandArgs, { timeout: timeoutMs });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${failure.stderr?.trim() || failure.message}`, { cause: error });
  }
}

/** The first row of `sql` on a connection of its own. */
async function queryOnce<R>(url: string, sql: string): Promise<R | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as R | undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Polls `check` until it answers true; throws after `timeoutMs` with the last error or `what`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Settings shared by both servers (the replica starts with a copy of the primary's file, then its own lines win). */
function serverSettings(port: number, socketFolder: string): string {
  return [
    '',
    '# Written by @shop/testing replication-pair: a throwaway server of one test suite.',
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${socketFolder}'`,
    'shared_buffers = 16MB',
    'max_connections = 100',
    // Speed only: a crash here is simulated with an immediate stop, which keeps the WAL the OS already has.
    'fsync = off',
    'full_page_writes = off',
    'max_wal_senders = 4',
    "log_line_prefix = '%m [%p] '",
    '',
  ].join('\n');
}

/**
 * Starts a private primary (initdb into a folder under /tmp owned by postgres, free loopback ports, trust auth) and a
 * synchronous streaming replica of it (`pg_basebackup -R`), and waits until the primary reports it `sync`.
 */
export async function startReplicationPair(options: { binaries?: string } = {}): Promise<ReplicationPair> {
  const binaries = options.binaries ?? defaultPostgresBinaries;
  // Made by postgres, so initdb, pg_basebackup and the servers (logs, sockets) may write into it.
  const base = (await asPostgres('/usr/bin', 'mktemp', ['-d', '/tmp/shop-replication-pair-XXXXXX'])).trim();
  const primaryFolder = join(base, 'primary');
  const replicaFolder = join(base, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryServerUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaServerUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  const pgCtl = (folder: string, args: string[]) => asPostgres(binaries, 'pg_ctl', ['-D', folder, ...args]);
  const startServer = (folder: string, name: string) => pgCtl(folder, ['-l', join(base, `${name}.log`), '-w', '-t', '60', 'start']);

  const logs = async () => {
    const tails = await Promise.all(['primary', 'replica'].map(async (name) => {
      const text = await readFile(join(base, `${name}.log`), 'utf8').catch(() => '(no log)');
      return `--- ${name}.log\n${text.split('\n').slice(-20).join('\n')}`;
    }));
    return tails.join('\n');
  };
  const close = async () => {
    for (const folder of [replicaFolder, primaryFolder]) {
      if (existsSync(join(folder, 'postmaster.pid'))) await pgCtl(folder, ['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
  };

  try {
    await asPostgres(binaries, 'initdb', ['-D', primaryFolder, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    // Appended, not rewritten: the files stay initdb's, owned by postgres (the server refuses files it cannot read).
    await appendFile(join(primaryFolder, 'postgresql.conf'), serverSettings(primaryPort, base));
    await appendFile(join(primaryFolder, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
    await startServer(primaryFolder, 'primary');

    // -X stream: consistent without an archive; -c fast: no spread checkpoint; -R: standby.signal and primary_conninfo.
    await asPostgres(binaries, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaFolder, '-X', 'stream', '-c', 'fast', '-R', '--no-sync']);
    await appendFile(
      join(replicaFolder, 'postgresql.conf'),
      // cluster_name is the application_name the primary sees; hot_standby_feedback keeps the primary's vacuum from
      // removing rows a replica query still reads (a conflict would delay replay, and with it every commit).
      `${serverSettings(replicaPort, base)}cluster_name = 'pair-replica'\nhot_standby = on\nhot_standby_feedback = on\n`,
    );
    await startServer(replicaFolder, 'replica');
    await until('the replica did not stream', async () => (await queryOnce<{ status: string }>(replicaServerUrl, 'SELECT status FROM pg_stat_wal_receiver'))?.status === 'streaming');

    // Synchronous only now, on the primary alone: set before the base backup, the replica would inherit it, and a
    // promoted server waiting for a standby it does not have would never commit again.
    await queryOnce(primaryServerUrl, "ALTER SYSTEM SET synchronous_standby_names = '*'");
    await queryOnce(primaryServerUrl, "ALTER SYSTEM SET synchronous_commit = 'remote_apply'");
    await queryOnce(primaryServerUrl, 'SELECT pg_reload_conf()');
    await until('the primary did not report its replica synchronous', async () => (await queryOnce<{ sync_state: string }>(primaryServerUrl, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'pair-replica'"))?.sync_state === 'sync');
  } catch (error) {
    const log = await logs();
    await close();
    throw new Error(`the replication pair did not start: ${String(error)}\n${log}`, { cause: error });
  }

  return {
    primaryServerUrl,
    replicaServerUrl,
    stopPrimary: async ({ mode = 'immediate' } = {}) => {
      await pgCtl(primaryFolder, ['-m', mode, '-w', 'stop']);
    },
    promoteReplica: async () => {
      await pgCtl(replicaFolder, ['-w', '-t', '60', 'promote']);
      await until('the promoted replica was still in recovery', async () => (await queryOnce<{ in_recovery: boolean }>(replicaServerUrl, 'SELECT pg_is_in_recovery() AS in_recovery'))?.in_recovery === false);
    },
    logs,
    close,
  };
}

/**
 * `describe` for a suite that fails a primary over to its replica: `body` gets the pair of this suite (`get()` inside
 * the tests), started before its tests and closed after its hooks. Without the binaries, or when not running as root
 * or postgres, the suite is skipped with the reason in its title, or fails under REQUIRE_BACKENDS=1.
 */
export function describeWithReplicationPair(title: string, body: (get: () => ReplicationPair) => void): void {
  describeNeedingBackend(title, replicationPairAvailability(), ({ binaries }) => {
    let pair: ReplicationPair | undefined;
    beforeAll(async () => {
      pair = await startReplicationPair({ binaries });
    }, 90_000);
    body(() => {
      if (!pair) throw new Error('replication pair not started');
      return pair;
    });
    // Declared after the body's hooks, so it runs after them: the suite has stopped what used the servers.
    afterAll(async () => {
      await pair?.close();
    }, 60_000);
  }, 'a private PostgreSQL primary and replica');
}
