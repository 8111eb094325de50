import { chmod, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, type Storage } from '../src/index.js';

/*
 * PGlite writes a store's files readable and writable by every account (0666): an embedded
 * store's folder is its owner's alone, and the template every new store is copied from is taken
 * only from a folder no other account may write. (Its own file: the template folder is read once
 * per process.)
 */

const mode = async (path: string) => (await stat(path)).mode & 0o777;

let root: string;
const opened: Storage[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'antq-store-folders-test-'));
  // A template folder any account may write, as a shared temporary folder is.
  await mkdir(join(root, 'shared-templates'));
  await chmod(join(root, 'shared-templates'), 0o777);
  process.env.ANTQ_PGLITE_TEMPLATE_DIR = join(root, 'shared-templates');
});
afterAll(async () => {
  for (const store of opened) await store.close();
  delete process.env.ANTQ_PGLITE_TEMPLATE_DIR;
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('embedded store folders', () => {
  it('are open to their owner alone, new ones and those made before, and no template is taken from a folder others may write', async () => {
    const existing = join(root, 'existing');
    await mkdir(existing, { mode: 0o755 });
    await chmod(existing, 0o755);
    for (const dataDir of [join(root, 'new', 'police'), existing]) {
      const store = await createStorage({ kind: 'pglite', dataDir });
      opened.push(store);
      await store.query('CREATE TABLE notes (body text)');
      expect(await mode(dataDir)).toBe(0o700);
    }
    // The templates were made elsewhere, in a folder of this process's own.
    expect(await readdir(join(root, 'shared-templates'))).toEqual([]);
  }, 180_000);
});
