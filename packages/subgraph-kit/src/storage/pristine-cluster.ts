import { readFileSync } from 'node:fs';
import { access, cp, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/*
 * Cụm mới — a new embedded cluster without initdb. initdb in WebAssembly takes seconds, a first
 * `npm start` opens six stores and every test opens its own, so the kit runs it once per machine
 * and PGlite version: the result is kept, closed and never opened again, in a folder of the
 * account's own under the system's temporary folder (ANTQ_PGLITE_TEMPLATE_DIR names another). A folder store starts as a copy of it (a file
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

let root: Promise<string | undefined> | undefined;
/**
 * Where the templates are kept: a folder of this account's own, open to it alone. Every new store
 * is a copy of what is there, so a folder another account could write (the shared temporary
 * folder at a name anyone can guess) would let it plant tables, rows or triggers in every store.
 * One that is not this account's alone is not used: new stores are then made by initdb, as
 * PGlite does without a template.
 */
function templateRoot(): Promise<string | undefined> {
  root ??= (async () => {
    const uid = process.getuid?.();
    const folder = process.env.ANTQ_PGLITE_TEMPLATE_DIR ?? join(tmpdir(), `antq-pglite-templates${uid === undefined ? '' : `-${uid}`}`);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const found = await lstat(folder);
    return uid === undefined || (found.isDirectory() && found.uid === uid && (found.mode & 0o022) === 0) ? folder : undefined;
  })();
  return root;
}
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
function pristineCluster(root: string): Promise<string> {
  pristineFolder ??= (async () => {
    const folder = join(root, `antq-pglite-${pgliteVersion()}`);
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
function pristineTar(root: string): Promise<Blob> {
  pristineTarball ??= (async () => {
    const file = join(root, `antq-pglite-${pgliteVersion()}.tar`);
    if (!(await exists(file))) {
      const building = await mkdtemp(`${file}.building-`);
      await cp(await pristineCluster(root), join(building, 'cluster'), { recursive: true });
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
  const root = await templateRoot();
  if (root === undefined) return {};
  if (!dataDir) return { loadDataDir: await pristineTar(root) };
  if ((await readdir(dataDir)).length === 0) {
    await cp(await pristineCluster(root), dataDir, { recursive: true });
    await rm(join(dataDir, COMPLETE), { force: true });
  }
  return {};
}
