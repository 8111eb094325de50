/**
 * In-memory PGlite stores whose contents can be dumped and loaded (goal 7 of issue 16): the
 * dataset is generated once, into the agency subgraphs' stores, and the copies the
 * `apollo-stack` subgraphs and the monolith hold are loaded from a dump of them
 * (`dumpDataDir` → a tarball in a temporary folder → `loadDataDir`) instead of generated again.
 *
 * The store is the kit's (`openPgliteStorage`: its settings, its statement queue), opened from a
 * dump or empty, with its PGlite instance at hand for the dump.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { openPgliteStorage, type Storage } from '@antq/subgraph-kit';

export interface DumpableStorage {
  readonly storage: Storage;
  /** Writes the store's data folder as a tarball to `file`. */
  dump(file: string): Promise<void>;
}

/** An in-memory PGlite store, empty or loaded from a dump file. */
export async function openPgliteCopy(fromDump?: string): Promise<DumpableStorage> {
  const loadDataDir = fromDump ? new Blob([await readFile(fromDump)]) : undefined;
  const { storage, db } = await openPgliteStorage(loadDataDir ? { loadDataDir } : {});
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
