/**
 * In-memory PGlite stores whose contents can be dumped and loaded (goal 7 of issue 16): the
 * dataset is generated once, into the agency subgraphs' stores, and the copies the
 * `apollo-stack` subgraphs and the monolith hold are loaded from a dump of them
 * (`dumpDataDir` → a tarball in a temporary folder → `loadDataDir`) instead of generated again.
 *
 * The store is the kit's (`pgliteStorage`) over a PGlite instance opened here with the kit's
 * start parameters (PGLITE_SETTINGS in packages/subgraph-kit/src/storage/storage.ts), so it can be
 * loaded from a dump and dumped.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pgliteStorage, type Storage } from '@antq/subgraph-kit';

/** The kit's settings of an embedded store (PGLITE_SETTINGS in its storage.ts). */
const PGLITE_SETTINGS = ['shared_buffers=16MB', 'maintenance_work_mem=16MB'];

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
  const storage = pgliteStorage(db);
  return {
    storage,
    dump: async (file) => {
      // CHECKPOINT waits its turn behind the store's statements; the dump follows it.
      await storage.query('CHECKPOINT');
      const tarball = await db.dumpDataDir('none');
      await writeFile(file, Buffer.from(await tarball.arrayBuffer()));
    },
  };
}
