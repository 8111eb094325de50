import { readFileSync } from 'node:fs';
import { access, cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/*
 * Cụm mới — a new embedded cluster without initdb. initdb in WebAssembly takes seconds, a first
 * `npm start` opens six stores and every test opens its own, so the kit runs it once per machine
 * and PGlite version: the result is kept, closed and never opened again, in the system's temporary
 * folder (ANTQ_PGLITE_TEMPLATE_DIR names another). A folder store starts as a copy of it (a file
 * copy, milliseconds); a store in memory loads it as a tarball (PGlite's `loadDataDir`).
 */

const COMPLETE = 'antq-pristine-complete';

function pgliteVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const templateRoot = () => process.env.ANTQ_PGLITE_TEMPLATE_DIR ?? tmpdir();
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Moves `from` to `to` unless another process got there first; either way `to` is then complete. */
async function publish(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    await rm(from, { recursive: true, force: true });
    if (!(await exists(to))) throw error;
  }
}

let pristineFolder: Promise<string> | undefined;
/** The folder of a cluster as initdb left it, made on first use. */
function pristineCluster(): Promise<string> {
  pristineFolder ??= (async () => {
    const folder = join(templateRoot(), `antq-pglite-${pgliteVersion()}`);
    if (await exists(join(folder, COMPLETE))) return folder;
    // Without its mark it is not one this kit finished (a cleaner may have emptied it): made again.
    await rm(folder, { recursive: true, force: true });
    const building = await mkdtemp(`${folder}.building-`);
    const db = await PGlite.create({ dataDir: join(building, 'cluster') });
    await db.close();
    await writeFile(join(building, 'cluster', COMPLETE), '');
    await publish(join(building, 'cluster'), folder);
    await rm(building, { recursive: true, force: true });
    return folder;
  })().catch((error: unknown) => {
    pristineFolder = undefined;
    throw error;
  });
  return pristineFolder;
}

let pristineTarball: Promise<Blob> | undefined;
/** The same cluster as a tarball, for stores in memory. */
function pristineTar(): Promise<Blob> {
  pristineTarball ??= (async () => {
    const file = join(templateRoot(), `antq-pglite-${pgliteVersion()}.tar`);
    if (!(await exists(file))) {
      const building = await mkdtemp(`${file}.building-`);
      await cp(await pristineCluster(), join(building, 'cluster'), { recursive: true });
      const db = await PGlite.create({ dataDir: join(building, 'cluster') });
      const tar = await db.dumpDataDir('none');
      await db.close();
      await writeFile(join(building, 'cluster.tar'), Buffer.from(await tar.arrayBuffer()));
      await publish(join(building, 'cluster.tar'), file);
      await rm(building, { recursive: true, force: true });
    }
    return new Blob([await readFile(file)]);
  })().catch((error: unknown) => {
    pristineTarball = undefined;
    throw error;
  });
  return pristineTarball;
}

/**
 * What to open PGlite with so that a new store needs no initdb: a new folder store gets a copy of
 * the pristine cluster first; a store in memory, the tarball. An existing store is opened as it is.
 */
export async function newClusterSource(dataDir: string | undefined): Promise<{ loadDataDir?: Blob }> {
  if (!dataDir) return { loadDataDir: await pristineTar() };
  if ((await readdir(dataDir)).length === 0) {
    await cp(await pristineCluster(), dataDir, { recursive: true });
    await rm(join(dataDir, COMPLETE), { force: true });
  }
  return {};
}
