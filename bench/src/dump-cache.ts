/**
 * The quick mode's store dumps, kept between runs (goal 7 of issue 16). Generating the dataset
 * into the four PGlite stores is most of a quick run's start; a run finds the dumps of an earlier
 * run with the same dataset plan and the same code that shapes a store (the kit's migrations and
 * seed data, the agencies' subgraphs, the SDK's registry and catalogues, the bench's dataset and
 * PGlite's version), starts every subgraph from them and generates nothing. A run that finds none
 * dumps its stores there for the next. `--fresh` ignores them; `ANTQ_BENCH_DUMPS` moves the folder.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Agency } from '@antq/sdk';
import { AGENCIES } from './dataset.js';
import { argv, type Plan } from './options.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** What a store's contents depend on, besides the plan (folders are read whole, tests left out). */
const STORE_SOURCES = [
  'packages/sdk/src',
  'packages/subgraph-kit/src',
  ...AGENCIES.map((agency) => `services/${agency}/src`),
  'bench/src/dataset.ts',
  'bench/src/pglite-copy.ts',
  'node_modules/@electric-sql/pglite/package.json',
];
const COMPLETE = 'complete.json';
/** A set of dumps not used for this long is removed when another is written (other worktrees' runs share the folder). */
const KEEP_UNUSED_MS = 2 * 24 * 3600 * 1000;

async function filesUnder(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A hash of the plan and of every file the stores' contents depend on. */
async function keyOf(plan: Plan): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(plan));
  for (const source of STORE_SOURCES) {
    for (const file of await filesUnder(join(root, source))) hash.update(relative(root, file)).update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 16);
}

export interface DumpCache {
  readonly folder: string;
  readonly files: Record<Agency, string>;
  /** Whether the folder holds a whole set of dumps for this plan and code. */
  readonly complete: boolean;
  /** Marks the set whole once the four dumps are written, and removes sets unused for two days. */
  markComplete(): Promise<void>;
}

export async function openDumpCache(plan: Plan): Promise<DumpCache> {
  const base = process.env.ANTQ_BENCH_DUMPS ?? join(tmpdir(), 'antq-bench-dumps');
  const key = await keyOf(plan);
  const folder = join(base, key);
  const fresh = argv.includes('--fresh');
  if (fresh) await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const complete = await stat(join(folder, COMPLETE)).then(
    () => true,
    () => false,
  );
  // Its time of last use, for the pruning below.
  if (complete) await utimes(join(folder, COMPLETE), new Date(), new Date());
  return {
    folder,
    files: Object.fromEntries(AGENCIES.map((agency) => [agency, join(folder, `${agency}.tar`)])) as Record<Agency, string>,
    complete,
    markComplete: async () => {
      await writeFile(join(folder, COMPLETE), JSON.stringify({ plan, writtenAt: new Date().toISOString() }));
      for (const other of await readdir(base)) {
        const used = await stat(join(base, other, COMPLETE)).catch(() => stat(join(base, other)));
        if (other !== key && Date.now() - used.mtimeMs > KEEP_UNUSED_MS) await rm(join(base, other), { recursive: true, force: true });
      }
    },
  };
}
