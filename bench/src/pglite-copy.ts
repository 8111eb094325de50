/**
 * In-memory PGlite stores whose contents can be dumped and loaded (goal 7 of issue 16): the
 * dataset is generated once, into the agency subgraphs' stores, and the copies the
 * `apollo-stack` subgraphs and the monolith hold are loaded from a dump of them
 * (`dumpDataDir` → a tarball in a temporary folder → `loadDataDir`) instead of generated again.
 *
 * The kit's `createStorage` does not expose the PGlite instance, so this opens it the way the
 * kit does (`openPglite` in packages/subgraph-kit/src/storage/storage.ts: the same start
 * parameters, one statement at a time, `exec` without parameters and `query` with them) and
 * returns the kit's `Storage` interface over it. If the kit's embedded store changes, update here.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { AntqError, ErrorCode } from '@antq/sdk';
import type { SqlExecutor, Storage } from '@antq/subgraph-kit';

/** The kit's settings of an embedded store (PGLITE_SETTINGS in its storage.ts). */
const PGLITE_SETTINGS = ['shared_buffers=16MB', 'maintenance_work_mem=16MB'];

/** A unique-key violation is the caller's conflict, as the kit reports it (`mapDriverError`). */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: unknown }).code !== '23505') throw error;
    const detail = (error as { detail?: string }).detail;
    throw new AntqError(ErrorCode.CONFLICT, `A record with the same identity already exists${detail ? ` (${detail})` : ''}. Update it instead of creating it again.`, {
      cause: error,
    });
  }
}

export interface DumpableStorage {
  readonly storage: Storage;
  /** Writes the store's data folder as a tarball to `file`. */
  dump(file: string): Promise<void>;
}

/** An in-memory PGlite store, empty or loaded from a dump file. */
export async function openPgliteCopy(fromDump?: string): Promise<DumpableStorage> {
  const loadDataDir = fromDump ? new Blob([await readFile(fromDump)]) : undefined;
  const db = await PGlite.create({
    ...(loadDataDir ? { loadDataDir } : {}),
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
  });
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = queue.then(work, work);
    queue = turn.catch(() => undefined);
    return turn;
  };
  const run = async <Row>(executor: Pick<PGlite, 'query' | 'exec'>, sql: string, params?: readonly unknown[]) =>
    params && params.length > 0 ? (await executor.query<Row>(sql, params as unknown[])).rows : (((await executor.exec(sql)).at(-1)?.rows ?? []) as Row[]);
  const close = async () => {
    await queue;
    if (!db.closed) await db.close();
  };
  const storage: Storage = {
    kind: 'pglite',
    query: (sql, params) => exclusive(() => guarded(() => run(db, sql, params))),
    transaction: (work) => exclusive(() => guarded(() => db.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params) } satisfies SqlExecutor)))),
    listen: async (channel, onNotify) => {
      const unlisten = await exclusive(() => db.listen(channel, onNotify));
      return () => (db.closed ? Promise.resolve() : exclusive(() => unlisten()));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return {
    storage,
    dump: async (file) => {
      const tarball = await exclusive(async () => {
        await db.exec('CHECKPOINT');
        return db.dumpDataDir('none');
      });
      await writeFile(file, Buffer.from(await tarball.arrayBuffer()));
    },
  };
}
