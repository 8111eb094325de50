import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, type Storage } from '../src/index.js';

/*
 * New embedded stores start from one pristine cluster, made once: each is its own copy, the
 * pristine one is never opened, and a template left half-made is made again.
 */

let root: string;
const opened: Storage[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'antq-pristine-test-'));
  // Read once per process, at the first store opened: these tests open the first.
  process.env.ANTQ_PGLITE_TEMPLATE_DIR = join(root, 'templates');
  // A template left half-made (no completion mark, a stray file): not used, made again.
  const version = (JSON.parse(await readFile(join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string })
    .version;
  await mkdir(join(root, 'templates', `antq-pglite-${version}`), { recursive: true });
  await writeFile(join(root, 'templates', `antq-pglite-${version}`, 'PG_VERSION'), 'not a cluster');
});
afterAll(async () => {
  for (const store of opened) await store.close();
  delete process.env.ANTQ_PGLITE_TEMPLATE_DIR;
  await rm(root, { recursive: true, force: true });
});

async function open(dataDir?: string): Promise<Storage> {
  const store = await createStorage({ kind: 'pglite', ...(dataDir ? { dataDir } : {}) });
  opened.push(store);
  return store;
}

describe('new embedded stores', () => {
  // The first store makes the pristine cluster (an initdb): tens of seconds on a loaded machine.
  it('start as separate copies of one pristine cluster, which stays closed', async () => {
    const [a, b] = [await open(join(root, 'a')), await open(join(root, 'b'))];
    await a.query('CREATE TABLE notes (body text)');
    await a.query("INSERT INTO notes VALUES ('only in a')");
    expect(await a.query('SELECT body FROM notes')).toEqual([{ body: 'only in a' }]);
    await expect(b.query('SELECT body FROM notes')).rejects.toThrow(/notes/);

    const templates = await readdir(join(root, 'templates'));
    const pristine = templates.find((name) => /^antq-pglite-[^.]+(\.\d+)*$/.test(name) && !name.endsWith('.tar'));
    expect(pristine, templates.join(', ')).toBeDefined();
    const files = await readdir(join(root, 'templates', pristine!));
    expect(files).toContain('PG_VERSION');
    expect(files).toContain('antq-pristine-complete');
    // Never started: a running or crashed PostgreSQL leaves its pid file.
    expect(files).not.toContain('postmaster.pid');
    expect(await readdir(join(root, 'a'))).not.toContain('antq-pristine-complete');
  }, 120_000);

  it('in memory, load the same cluster as a tarball, each its own', async () => {
    const [a, b] = [await open(), await open()];
    await a.query('CREATE TABLE notes (body text)');
    await expect(b.query('SELECT body FROM notes')).rejects.toThrow(/notes/);
    const tar = (await readdir(join(root, 'templates'))).find((name) => name.endsWith('.tar'));
    expect(tar).toBeDefined();
    expect((await stat(join(root, 'templates', tar!))).size).toBeGreaterThan(1_000_000);
  });

  it('open an existing store as it is, with its data', async () => {
    const first = await open(join(root, 'kept'));
    await first.query('CREATE TABLE notes (body text)');
    await first.query("INSERT INTO notes VALUES ('kept')");
    await first.close();
    const again = await open(join(root, 'kept'));
    expect(await again.query('SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
  });
});
