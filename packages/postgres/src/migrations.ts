import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database';

/** A migration that failed; the service must not start on a half-migrated schema. */
export class MigrationError extends Error {
  constructor(
    public readonly file: string,
    cause: unknown,
  ) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

const migrationFilePattern = /^(\d{3,})_[a-z0-9_]+\.sql$/;

/**
 * Applies the `NNN_description.sql` files of `directory` that are not applied yet, in order, inside one
 * transaction that holds an advisory lock: replicas starting together wait for each other instead of racing,
 * and a failure rolls everything back. An applied file whose content changed is an error (migrations are
 * append-only). Returns the names it applied (prefixed with `namespace/` when one is given).
 */
export async function migrate(db: Database, directory: string, options: { lockKey?: string; namespace?: string } = {}): Promise<string[]> {
  const files = (await readdir(directory)).filter((name) => migrationFilePattern.test(name)).sort();
  const migrations = await Promise.all(
    files.map(async (name) => {
      const sql = await readFile(join(directory, name), 'utf8');
      // A namespace keeps a shared package's migrations (e.g. the outbox's) apart from the service's own.
      const recordedName = options.namespace ? `${options.namespace}/${name}` : name;
      return { name: recordedName, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
  // One lock for every migration run of the database, so a service's and a package's migrations never interleave.
  const lockKey = options.lockKey ?? 'schema_migrations';
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
    // The service's own schema first (a name PgDatabase has checked; quoted, as `order` is a reserved word): its
    // bookkeeping table and tables go there.
    if (db.schema) await tx.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const applied = new Map(
      (await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).rows.map((row) => [row.name, row.checksum]),
    );
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) throw new MigrationError(migration.name, new Error('it was changed after it had been applied'));
        continue;
      }
      try {
        // Each statement separately: the extended protocol that parameterised queries use takes one statement at a time.
        for (const statement of splitSqlStatements(migration.sql)) await tx.query(statement);
        await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
      } catch (error) {
        throw new MigrationError(migration.name, error);
      }
      newlyApplied.push(migration.name);
    }
    return newlyApplied;
  });
}

/**
 * Splits a SQL script on the semicolons that end statements, leaving those inside quotes, dollar-quoted
 * bodies and comments alone.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < script.length) {
    const char = script[i];
    const rest = script.slice(i);
    if (rest.startsWith('--')) {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end + 1;
      current += '\n';
      continue;
    }
    if (rest.startsWith('/*')) {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? script.length : end + 2;
      current += ' ';
      continue;
    }
    const dollarTag = /^\$[A-Za-z_]*\$/.exec(rest)?.[0];
    if (dollarTag) {
      const end = script.indexOf(dollarTag, i + dollarTag.length);
      const stop = end === -1 ? script.length : end + dollarTag.length;
      current += script.slice(i, stop);
      i = stop;
      continue;
    }
    if (char === "'" || char === '"') {
      let j = i + 1;
      while (j < script.length) {
        if (script[j] === char && script[j + 1] === char) j += 2;
        else if (script[j] === char) break;
        else j += 1;
      }
      current += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (char === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      i += 1;
      continue;
    }
    current += char;
    i += 1;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
