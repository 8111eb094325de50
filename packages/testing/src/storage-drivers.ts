import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStorage, type Storage } from '@antq/subgraph-kit';

/** A way to get a fresh, empty store for one test suite. */
export interface StorageDriver {
  readonly name: 'pglite (memory)' | 'pglite (folder)' | 'postgres';
  open(): Promise<Storage>;
  /** Reopens the store last opened, as a restarted service would. */
  reopen(store: Storage): Promise<Storage>;
  close(store: Storage): Promise<void>;
}

/** Admin connection for creating test databases; CI's local PostgreSQL by default. */
export const ADMIN_POSTGRES_URL = process.env.ANTQ_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** How the test databases' names start: a shared server's users each keep to their own prefix. */
const DATABASE_PREFIX = process.env.ANTQ_TEST_DATABASE_PREFIX ?? 'antq_test_';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_POSTGRES_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_POSTGRES_URL} (${(error as Error).message}). Production-mode tests need it: start it (see .ci/run) or set ANTQ_TEST_POSTGRES_URL.`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const folders = new WeakMap<Storage, string>();
const databases = new WeakMap<Storage, string>();

export const storageDrivers: readonly StorageDriver[] = [
  {
    name: 'pglite (memory)',
    open: () => createStorage({ kind: 'pglite' }),
    reopen: () => {
      throw new Error('An in-memory store cannot be reopened.');
    },
    close: (store) => store.close(),
  },
  {
    name: 'pglite (folder)',
    async open() {
      const folder = await mkdtemp(join(tmpdir(), 'antq-pglite-'));
      const store = await createStorage({ kind: 'pglite', dataDir: folder });
      folders.set(store, folder);
      return store;
    },
    async reopen(store) {
      const folder = folders.get(store)!;
      await store.close();
      const reopened = await createStorage({ kind: 'pglite', dataDir: folder });
      folders.set(reopened, folder);
      return reopened;
    },
    async close(store) {
      await store.close();
      const folder = folders.get(store);
      if (folder) await rm(folder, { recursive: true, force: true });
    },
  },
  {
    name: 'postgres',
    async open() {
      const database = `${DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE ${database}`));
      const store = await createStorage({ kind: 'postgres', url: withDatabase(ADMIN_POSTGRES_URL, database), poolSize: 5 });
      databases.set(store, database);
      return store;
    },
    async reopen(store) {
      const database = databases.get(store)!;
      await store.close();
      const reopened = await createStorage({ kind: 'postgres', url: withDatabase(ADMIN_POSTGRES_URL, database), poolSize: 5 });
      databases.set(reopened, database);
      return reopened;
    },
    async close(store) {
      await store.close();
      const database = databases.get(store);
      if (database) await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    },
  },
];

/** Runs a suite once per storage driver: PGlite in memory and in a folder, and the real PostgreSQL. */
export function forEachStorageDriver(define: (driver: StorageDriver) => void): void {
  for (const driver of storageDrivers) define(driver);
}

/** The URL of a fresh PostgreSQL database, and how to drop it — for tests that start services by URL. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const database = `${DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${database}`));
  return {
    url: withDatabase(ADMIN_POSTGRES_URL, database),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(() => undefined),
  };
}
