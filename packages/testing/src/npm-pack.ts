import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/testing/src/npm-pack.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The environment of a user's shell: nothing of the `npm run`/`npm test -w …` or the vitest process
 * that started the test (npm_config_workspace would make a nested npm act on the monorepo).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_OPTIONS$|VITEST|TEST$|INIT_CWD$)/i.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs npm to its end in `cwd`; its stdout, or a rejection with its output. */
export function runNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`npm ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stderr.slice(-4_000)}`));
      else resolve(stdout);
    });
  });
}

/** One tarball `npm pack` wrote. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** The tarball's absolute path. */
  readonly tarball: string;
  /** The paths inside the package, as npm lists them. */
  readonly files: readonly string[];
}

/**
 * Packs workspaces as `npm publish` would (`npm pack`, same `files`, same manifest) into
 * `destination`: what a user installs, not what the monorepo links. Their `dist` must be built.
 */
export async function packWorkspaces(names: readonly string[], destination: string): Promise<PackedPackage[]> {
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...names.flatMap((name) => ['-w', name])];
  const packed = JSON.parse(await runNpm(args, repoRoot)) as { name: string; version: string; filename: string; files: { path: string }[] }[];
  return packed.map((item) => ({ name: item.name, version: item.version, tarball: join(destination, item.filename), files: item.files.map((file) => file.path) }));
}
