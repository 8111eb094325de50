import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the audit pieces live in a data folder (`npm start`'s `.data`, the gateway's `ANTQ_DATA_DIR`). */
export interface AuditLocations {
  /** The PGlite audit database. */
  readonly database: string;
  /** The development audit key: beside the database, never inside its folder. */
  readonly keyFile: string;
  /** The checkpoint files' default folder. */
  readonly anchorDir: string;
}

export function auditLocationsIn(dataDir: string): AuditLocations {
  return { database: join(dataDir, 'audit'), keyFile: join(dataDir, 'audit.key'), anchorDir: join(dataDir, 'audit-anchors') };
}

/** The folder above `from` whose package.json declares workspaces: the repository root, if any. */
export function findRepoRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // an unreadable package.json is not the root; keep looking up
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Data folders the verifier tries when given none, in order: `npm start`'s `.data` and the
 * gateway's `.data/gateway`, first where the user ran npm (INIT_CWD: npm runs a workspace's
 * script inside the workspace), then at the repository root.
 */
export function candidateDataDirs(env: NodeJS.ProcessEnv, cwd: string, scriptDir: string): string[] {
  const bases = [env.INIT_CWD ?? cwd, findRepoRoot(scriptDir)].filter((base): base is string => base !== undefined);
  const dirs = bases.flatMap((base) => [join(base, '.data'), join(base, '.data', 'gateway')]).map((dir) => resolve(dir));
  return [...new Set(dirs)];
}
