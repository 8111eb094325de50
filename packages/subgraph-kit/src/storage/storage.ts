import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { AntqError, ErrorCode } from '@antq/sdk';

/** Runs SQL with `$1, $2 …` parameters and returns the rows. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * Kho dữ liệu — one agency's database, embedded (PGlite) or PostgreSQL, behind one interface.
 * Every write goes through `transaction`: all of it is stored, or none of it.
 */
export interface Storage extends SqlExecutor, AsyncDisposable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type StorageOptions =
  /** Embedded PostgreSQL in WebAssembly: in memory without `dataDir`, else kept in that folder. */
  { readonly kind: 'pglite'; readonly dataDir?: string } | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number };

/** A configuration error at start-up: a plain Error with a stable code, never a GraphQL error. */
export class StorageConfigError extends Error {
  override readonly name = 'StorageConfigError';
  constructor(
    readonly code: 'ANTQ_ERR_DATABASE_UNREACHABLE' | 'ANTQ_ERR_DATABASE_NEWER' | 'ANTQ_ERR_MIGRATION_CHANGED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Turns the driver errors a caller can cause into typed errors; others pass on (and get masked). */
function mapDriverError(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === '23505') {
    const detail = (error as { detail?: string }).detail;
    throw new AntqError(ErrorCode.CONFLICT, `A record with the same identity already exists${detail ? ` (${detail})` : ''}. Update it instead of creating it again.`, {
      cause: error,
    });
  }
  throw error;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return mapDriverError(error);
  }
}

async function openPglite(dataDir: string | undefined): Promise<Storage> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // PGlite has one connection: every statement and transaction waits its turn, so nothing
  // can interleave with the statements of an open transaction.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = queue.then(work, work);
    queue = turn.catch(() => undefined);
    return turn;
  };
  // Without parameters, `exec` runs several statements at once (migrations); with them, `query`.
  const run = async <Row>(executor: Pick<PGlite, 'query' | 'exec'>, sql: string, params?: readonly unknown[]) =>
    params && params.length > 0 ? (await executor.query<Row>(sql, params as unknown[])).rows : (((await executor.exec(sql)).at(-1)?.rows ?? []) as Row[]);
  const close = async () => {
    await queue;
    if (!db.closed) await db.close();
  };
  return {
    kind: 'pglite',
    query: (sql, params) => exclusive(() => guarded(() => run(db, sql, params))),
    transaction: (work) => exclusive(() => guarded(() => db.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params) })))),
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function openPostgres(url: string, poolSize = 10): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined); // an idle client's error; the next query reports it
  try {
    await pool.query('SELECT 1');
  } catch (cause) {
    await pool.end();
    throw new StorageConfigError(
      'ANTQ_ERR_DATABASE_UNREACHABLE',
      `Cannot reach PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${(cause as Error).message}. Check DATABASE_URL, or unset it to use the embedded store.`,
      { cause },
    );
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await pool.end();
  };
  return {
    kind: 'postgres',
    query: (sql, params) => guarded(async () => (await pool.query(sql, params as unknown[])).rows),
    transaction: (work) =>
      guarded(async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work({ query: async (sql, params) => (await client.query(sql, params as unknown[])).rows });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Opens a store: PGlite (in memory or in a folder) or a PostgreSQL database. */
export function createStorage(options: StorageOptions): Promise<Storage> {
  return options.kind === 'postgres' ? openPostgres(options.url, options.poolSize) : openPglite(options.dataDir);
}

/**
 * The store a service uses, from its environment: `DATABASE_URL` (PostgreSQL, production) or
 * an embedded store in `ANTQ_DATA_DIR/<agency>` (default `.data/<agency>`).
 */
export function storageFromEnv(env: NodeJS.ProcessEnv, defaults: { agency: string }): StorageOptions {
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
  return { kind: 'pglite', dataDir: `${env.ANTQ_DATA_DIR ?? '.data'}/${defaults.agency}` };
}
