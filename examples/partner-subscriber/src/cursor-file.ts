import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CursorStore } from '@antq/client';

/**
 * Where a partner keeps its place in the change stream: a file holding the cursor of the last
 * change it handled. `followChanges` reads it at every (re)connect and saves after each change.
 */
export function fileCursorStore(file: string): CursorStore {
  return {
    async load() {
      try {
        const text = (await readFile(file, 'utf8')).trim();
        return text === '' ? undefined : text;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    save: (cursor) => writeAtomically(file, `${cursor}\n`),
  };
}

/** A crash leaves the old cursor or the new one, never a torn file: write a temporary file, flush it, rename it over. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
