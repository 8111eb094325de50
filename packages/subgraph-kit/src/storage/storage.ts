import { chmod, mkdir } from 'node:fs/promises';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import pg from 'pg';
import { AntqError, ErrorCode } from '@antq/sdk';
import { queryPglite } from './pglite-statements.js';
import { newClusterSource } from './pristine-cluster.js';

/** How one statement runs (see `SqlExecutor.query`). */
export interface StatementOptions {
  /**
   * On an embedded store, parse and plan the statement once and run it again by name. Only for
   * statements whose best plan does not depend on the values, such as reads by primary key: a
   * kept plan is generic, and one over a range of areas or periods can cost far more (the bench's
   * roll-up 1.7× its subgraph CPU). PostgreSQL stores ignore it.
   */
  readonly prepared?: boolean;
}

/** Runs SQL with `$1, $2 …` parameters and returns the rows. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<Row[]>;
}

/**
 * Kho dữ liệu — one agency's database, embedded (PGlite) or PostgreSQL, behind one interface.
 * Every write goes through `transaction`: all of it is stored, or none of it.
 */
export interface Storage extends SqlExecutor, AsyncDisposable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` once the transaction that sent it commits
   * (PGlite's own listener; on PostgreSQL one connection kept for it, reconnected when lost).
   * Resolves when listening, with the function that stops it.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
function checkChannel(channel: string): void {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`Invalid notification channel "${channel}": lower-case letters, digits and _ only.`);
}

export type StorageOptions =
  /** Embedded PostgreSQL in WebAssembly: in memory without `dataDir`, else kept in that folder. */
  { readonly kind: 'pglite'; readonly dataDir?: string } | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number };

/**
 * PostgreSQL's `date`, read as the day it holds ('2025-07-01'). Both drivers would otherwise make it
 * a Date: node-postgres at local midnight, which printed in UTC is the day before on a server on
 * Vietnam's time (UTC+7), and PGlite at UTC midnight, a Date built to be printed back.
 */
const DATE_OID = 1082;
const dateAsText = (value: string) => value;
const pgTypes = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === DATE_OID ? dateAsText : pg.types.getTypeParser(oid, format)) };

/** A configuration error at start-up: a plain Error with a stable code, never a GraphQL error. */
export class StorageConfigError extends Error {
  override readonly name = 'StorageConfigError';
  constructor(
    readonly code: 'ANTQ_ERR_DATABASE_UNREACHABLE' | 'ANTQ_ERR_DATABASE_SETTINGS' | 'ANTQ_ERR_DATABASE_NEWER' | 'ANTQ_ERR_MIGRATION_CHANGED',
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
  // character_not_in_repertoire, untranslatable_character: a text value no PostgreSQL text can hold (U+0000).
  if (code === '22021' || code === '22P05') {
    throw new AntqError(
      ErrorCode.BAD_USER_INPUT,
      'A text in the request holds a character the store cannot keep (U+0000, the NUL character). Remove it and send the request again.',
      {
        cause: error,
      },
    );
  }
  throw error;
}

/** A statement sent through a transaction's executor after the transaction ended: a bug in the caller. */
function transactionEnded(): Error {
  return new Error('This transaction has ended: run its statements inside its work (the function given to transaction).');
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return mapDriverError(error);
  }
}

/**
 * The folder of an embedded store, open to its owner alone: PGlite writes its files world-readable
 * and world-writable (0666), so on a shared machine any local account could read an agency's
 * restricted records or rewrite them past every check. PostgreSQL refuses a data directory
 * others can enter for the same reason. A folder made before this is closed too.
 */
async function ownerOnlyFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

/**
 * An embedded store holds one agency's data, and its WebAssembly memory never shrinks: PostgreSQL's
 * 128 MB of shared buffers, four times over, were most of `npm start`'s memory at rest.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB', 'maintenance_work_mem=16MB'];

async function openPglite(dataDir: string | undefined): Promise<Storage> {
  if (dataDir) await ownerOnlyFolder(dataDir);
  return (await openPgliteStorage({ ...(dataDir ? { dataDir } : {}), ...(await newClusterSource(dataDir)) })).storage;
}

/**
 * Opens PGlite with the kit's settings and `options` (e.g. `loadDataDir`, a dump of another
 * store) and returns the kit's store over it. `db` is for what the store does not do — a dump,
 * after a CHECKPOINT through the store; closing the store closes it.
 */
export async function openPgliteStorage(options: PGliteOptions = {}): Promise<{ readonly storage: Storage; readonly db: PGlite }> {
  const db = await PGlite.create({
    ...options,
    parsers: { [DATE_OID]: dateAsText, ...options.parsers },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
  });
  return { storage: pgliteStorage(db), db };
}

/** The kit's store over an open PGlite instance. */
function pgliteStorage(db: PGlite): Storage {
  // PGlite has one connection: every statement and transaction waits its turn, so nothing
  // can interleave with the statements of an open transaction.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = queue.then(work, work);
    queue = turn.catch(() => undefined);
    return turn;
  };
  // Without parameters, `exec` runs several statements at once (migrations); with them, one exchange.
  const run = async <Row>(executor: Pick<PGlite, 'exec'>, sql: string, params: readonly unknown[] | undefined, inTransaction: boolean, options?: StatementOptions) =>
    params && params.length > 0
      ? queryPglite<Row>(db, sql, params, { inTransaction, prepared: options?.prepared === true })
      : (((await executor.exec(sql)).at(-1)?.rows ?? []) as Row[]);
  const close = async () => {
    await queue;
    if (!db.closed) await db.close();
  };
  return {
    kind: 'pglite',
    query: (sql, params, options) => exclusive(() => guarded(() => run(db, sql, params, false, options))),
    transaction: (work) =>
      exclusive(() =>
        guarded(() =>
          db.transaction((tx) =>
            work({
              // Statements with parameters go to `db` itself: one kept past its transaction must not run outside it.
              query: (sql, params, options) => (tx.closed ? Promise.reject(transactionEnded()) : run(tx, sql, params, true, options)),
            }),
          ),
        ),
      ),
    listen: async (channel, onNotify) => {
      checkChannel(channel);
      const unlisten = await exclusive(() => db.listen(channel, onNotify));
      return () => (db.closed ? Promise.resolve() : exclusive(() => unlisten()));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function openPostgres(url: string, poolSize = 10): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes });
  pool.on('error', () => undefined); // an idle client's error; the next query reports it
  let dateStyle: string;
  try {
    dateStyle = String((await pool.query<{ DateStyle: string }>('SHOW DateStyle')).rows[0]?.DateStyle);
  } catch (cause) {
    await pool.end();
    throw new StorageConfigError(
      'ANTQ_ERR_DATABASE_UNREACHABLE',
      `Cannot reach PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${(cause as Error).message}. Check DATABASE_URL, or unset it to use the embedded store.`,
      { cause },
    );
  }
  // Dates and times are read in ISO form (a date as its 'YYYY-MM-DD'); 'SQL, DMY' would send 01/07/2025.
  if (!/^ISO\b/i.test(dateStyle)) {
    await pool.end();
    throw new StorageConfigError(
      'ANTQ_ERR_DATABASE_SETTINGS',
      `PostgreSQL sends dates in the '${dateStyle}' style; the graph reads them in ISO form. Set it for this database: ALTER DATABASE <name> SET DateStyle = 'ISO, DMY'; (or in postgresql.conf), then start again.`,
    );
  }
  let closed = false;
  const listener = createPostgresListener(url);
  const close = async () => {
    if (closed) return;
    closed = true;
    await listener.close();
    await pool.end();
  };
  return {
    kind: 'postgres',
    listen: listener.listen,
    query: (sql, params) => guarded(async () => (await pool.query(sql, params as unknown[])).rows),
    transaction: (work) =>
      guarded(async () => {
        const client = await pool.connect();
        let ended = false;
        try {
          await client.query('BEGIN');
          const result = await work({
            // The connection goes back to the pool: one kept past its transaction must not run outside it.
            query: async (sql, params) => {
              if (ended) throw transactionEnded();
              return (await client.query(sql, params as unknown[])).rows;
            },
          });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          ended = true;
          client.release();
        }
      }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * LISTEN on PostgreSQL: a pooled connection cannot hold it, so one client of its own, opened on the
 * first `listen` and opened again (after a second) when the connection is lost. A notification sent
 * while it was away is lost, so every listener is called once when it is back: readers read again.
 */
function createPostgresListener(url: string) {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: Promise<pg.Client> | undefined;
  let closed = false;
  let lostOnce = false;

  const connect = (): Promise<pg.Client> => {
    const next = new pg.Client({ connectionString: url, types: pgTypes });
    const lost = () => {
      lostOnce = true;
      if (client === connecting) client = undefined;
      if (!closed && handlers.size > 0) setTimeout(() => void ensure().catch(() => undefined), 1_000).unref();
    };
    next.on('notification', (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    next.on('error', lost);
    next.on('end', lost);
    const connecting = (async () => {
      await next.connect();
      for (const channel of handlers.keys()) await next.query(`LISTEN ${channel}`);
      if (lostOnce) for (const set of handlers.values()) for (const handler of set) handler('');
      return next;
    })();
    connecting.catch(lost);
    return connecting;
  };
  const ensure = (): Promise<pg.Client> => (client ??= connect());

  return {
    async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
      checkChannel(channel);
      const fresh = !handlers.has(channel);
      const set = handlers.get(channel) ?? new Set();
      set.add(onNotify);
      handlers.set(channel, set);
      const connection = await ensure();
      if (fresh) await connection.query(`LISTEN ${channel}`);
      return async () => {
        set.delete(onNotify);
        if (set.size > 0 || closed) return;
        handlers.delete(channel);
        await (await client)?.query(`UNLISTEN ${channel}`).catch(() => undefined);
      };
    },
    async close() {
      closed = true;
      const open = client;
      client = undefined;
      await (await open?.catch(() => undefined))?.end().catch(() => undefined);
    },
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
