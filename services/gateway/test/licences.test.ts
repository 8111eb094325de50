import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  license?: string;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Every workspace folder of the root package.json (`dir/*` patterns and plain folders). */
function workspaceDirs(): string[] {
  return (readManifest(repoRoot).workspaces ?? []).flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [join(repoRoot, pattern)];
    const parent = join(repoRoot, pattern.slice(0, -2));
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json')))
      .map((entry) => join(parent, entry.name));
  });
}

/** The rows of LICENSES.md's table: package (without a "(via …)" note) → licence and users. */
function licenceTable(): Map<string, { licence: string; usedBy: string[] }> {
  const rows = new Map<string, { licence: string; usedBy: string[] }>();
  for (const line of readFileSync(join(repoRoot, 'LICENSES.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 6 || cells[1] === 'Package' || cells[1]!.startsWith('---')) continue;
    const name = cells[1]!.replace(/\s*\(via .*\)$/, '');
    rows.set(name, { licence: cells[3]!, usedBy: cells[4]!.split(',').map((user) => user.trim()) });
  }
  return rows;
}

// The licence a dependency declares, read from the copy the workspace resolves.
function installedLicence(workspaceDir: string, dependency: string): string | undefined {
  for (let dir = workspaceDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', dependency, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as Manifest).license;
    if (dirname(dir) === dir) return undefined;
  }
}

describe('LICENSES.md', () => {
  const table = licenceTable();
  const workspaces = workspaceDirs().map((dir) => ({ dir, manifest: readManifest(dir) }));

  it('reads the workspaces and the table it checks', () => {
    expect(workspaces.map(({ manifest }) => manifest.name)).toEqual(expect.arrayContaining(['@antq/sdk', '@antq/subgraph-kit', '@antq/gateway', '@antq/stream']));
    expect(table.get('zod')).toEqual({ licence: 'MIT', usedBy: ['@antq/gateway', '@antq/sdk', '@antq/stream', '@antq/subgraph-kit'] });
  });

  it('lists every runtime dependency of every workspace, with the licence it declares and who uses it', () => {
    const problems: string[] = [];
    for (const { dir, manifest } of workspaces) {
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        if (dependency.startsWith('@antq/')) continue;
        const row = table.get(dependency);
        const declared = installedLicence(dir, dependency);
        if (!row) problems.push(`${dependency} (a dependency of ${manifest.name}, ${declared}) is missing`);
        else if (row.licence !== declared) problems.push(`${dependency} is listed as ${row.licence} but declares ${declared}`);
        else if (!row.usedBy.includes(manifest.name)) problems.push(`${dependency} does not list ${manifest.name} under "Used by"`);
      }
    }
    expect(problems, 'add these rows to LICENSES.md (licence from the package.json in node_modules)').toEqual([]);
  });
});
