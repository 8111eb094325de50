import { createHash } from 'node:crypto';
import { StorageConfigError, type Storage } from './storage.js';

/** One versioned schema change. Versions are applied in order, each once, each in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

// Any constant: all processes migrating one database take the same lock.
const MIGRATION_LOCK = 7_261_004;

function checksum(sql: string): string {
  return createHash('sha256').update(sql.trim()).digest('hex').slice(0, 16);
}

/**
 * Brings a database up to the code's schema. Refuses to start when the database is newer than
 * the code, or when an applied migration was edited afterwards. Safe to run from several
 * processes at once: an advisory lock makes them apply each version once.
 */
export async function runMigrations(storage: Storage, migrations: readonly Migration[]): Promise<number[]> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const versions = new Set<number>();
  for (const migration of ordered) {
    if (versions.has(migration.version)) throw new Error(`Two migrations have version ${migration.version}; give each its own number.`);
    versions.add(migration.version);
  }
  await storage
    .query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    )
    .catch(async (error: unknown) => {
      // Two processes creating the table at once: the loser sees a duplicate; the table exists.
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    });
  const applied: number[] = [];
  await storage.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const rows = await tx.query<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const known = new Map(ordered.map((migration) => [migration.version, migration]));
    for (const row of rows) {
      const migration = known.get(Number(row.version));
      if (!migration) {
        throw new StorageConfigError(
          'ANTQ_ERR_DATABASE_NEWER',
          `The database has migration ${row.version} (${row.name}), which this version of the service does not know. Run a newer version of the service, or point it at another database.`,
        );
      }
      if (checksum(migration.sql) !== row.checksum) {
        throw new StorageConfigError(
          'ANTQ_ERR_MIGRATION_CHANGED',
          `Migration ${row.version} (${row.name}) was changed after it was applied. Restore its text and add the change as a new migration.`,
        );
      }
    }
    const done = new Set(rows.map((row) => Number(row.version)));
    for (const migration of ordered) {
      if (done.has(migration.version)) continue;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, checksum(migration.sql)]);
      applied.push(migration.version);
    }
  });
  return applied;
}
