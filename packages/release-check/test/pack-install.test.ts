import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWorkspaces, repoRoot, runNpm, userEnv, type PackedPackage } from '@antq/testing';
import { PUBLISHED_PACKAGES, type PublishedPackage } from '../src/published.js';

/** Runs a program in the consumer project; its stdout, or a rejection with its output. */
function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: userEnv() }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The workspaces of the monorepo that npm would publish (no `"private": true`), with their folders. */
async function publicWorkspaces(): Promise<{ name: string; dir: string }[]> {
  const found: { name: string; dir: string }[] = [];
  for (const parent of ['packages', 'services', 'examples']) {
    for (const entry of await readdir(join(repoRoot, parent), { withFileTypes: true })) {
      const manifest = join(repoRoot, parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name, private: isPrivate } = JSON.parse(await readFile(manifest, 'utf8')) as { name: string; private?: boolean };
      if (!isPrivate) found.push({ name, dir: join(repoRoot, parent, entry.name) });
    }
  }
  return found;
}

/** An ESM and a CommonJS file that load the package's entry points and print each probe's value as JSON. */
function probeFiles(pkg: PublishedPackage): { esm: string; cjs: string } {
  const calls = pkg.probes.map((probe, index) => ({ index, entry: JSON.stringify(probe.entry), expression: probe.expression }));
  const esm = [
    ...calls.map((call) => `import * as m${call.index} from ${call.entry};`),
    'const results = [];',
    ...calls.map((call) => `{ const m = m${call.index}; results.push(await (${call.expression})); }`),
    'console.log(JSON.stringify(results));',
  ].join('\n');
  const cjs = [
    '(async () => {',
    'const results = [];',
    ...calls.map((call) => `{ const m = require(${call.entry}); results.push(await (${call.expression})); }`),
    'console.log(JSON.stringify(results));',
    '})().catch((error) => { console.error(error); process.exitCode = 1; });',
  ].join('\n');
  return { esm, cjs };
}

describe('the published packages, packed and installed in an empty project', () => {
  let workDir: string;
  let project: string;
  let packed: PackedPackage[];
  const started = Date.now();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    for (const { name } of PUBLISHED_PACKAGES) {
      const dir = (await publicWorkspaces()).find((workspace) => workspace.name === name)?.dir;
      if (!dir || !existsSync(join(dir, 'dist'))) throw new Error(`${name} has no dist/: run npm run build first (this test packs what would be published).`);
    }
    workDir = await mkdtemp(join(tmpdir(), 'antq-release-check-'));
    const tarballs = join(workDir, 'tarballs');
    project = join(workDir, 'project');
    await mkdir(tarballs);
    await mkdir(project);
    packed = await packWorkspaces(
      PUBLISHED_PACKAGES.map((pkg) => pkg.name),
      tarballs,
    );
    timings.pack = Date.now() - started;
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'antq-release-check-consumer', version: '0.0.0', private: true }, null, 2));
    // Offline first: the npm cache holds the third-party dependencies; the @antq ones come from the tarballs only.
    await runNpm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...packed.map((item) => item.tarball)], project);
    timings.install = Date.now() - started - timings.pack;
    console.log(`[release-check] packed ${packed.length} packages in ${timings.pack} ms, installed them in ${timings.install} ms`);
  }, 600_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('lists every public workspace (a new published package needs its probes in src/published.ts)', async () => {
    const listed = PUBLISHED_PACKAGES.map((pkg) => pkg.name).sort();
    expect((await publicWorkspaces()).map((workspace) => workspace.name).sort()).toEqual(listed);
    const { devDependencies = {} } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { devDependencies?: Record<string, string> };
    for (const name of listed) expect(devDependencies, `${name} in release-check's devDependencies, so turbo builds it before this test`).toHaveProperty([name]);
  });

  it('packs each with its build, README and CHANGELOG, and nothing of its sources or tests', () => {
    for (const item of packed) {
      expect(item.files, item.name).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']),
      );
      expect(
        item.files.filter((file) => /^(src|test|etc)\/|\.test\.|tsconfig|vitest/.test(file)),
        item.name,
      ).toEqual([]);
    }
  });

  it('passes publint --strict as installed (exports, types, files, module formats)', async () => {
    for (const item of packed) {
      // The installed folder is exactly what the tarball holds, so nothing needs packing again.
      const { messages, pkg } = await publint({ pkgDir: join(project, 'node_modules', item.name), pack: false, strict: true, level: 'warning' });
      expect(
        messages.map((message) => formatMessage(message, pkg)),
        item.name,
      ).toEqual([]);
    }
  });

  it('has types that are right for every entry point (arethetypeswrong, node16 ESM and CJS, bundler)', async () => {
    for (const item of packed) {
      const result = await checkPackage(createPackageFromTarballData(new Uint8Array(await readFile(item.tarball))));
      expect(result.types, item.name).toBeTruthy();
      // attw's node16 profile: node10 resolution (no `exports` support) is left out, as subpaths like @antq/sdk/areas need it.
      const problems = result.types ? result.problems.filter((problem) => !('resolutionKind' in problem) || problem.resolutionKind !== 'node10') : [];
      expect(problems, item.name).toEqual([]);
    }
  });

  it('installs only the packed @antq packages, none from the workspace', async () => {
    const installed = await readdir(join(project, 'node_modules', '@antq'));
    expect(installed.sort()).toEqual(PUBLISHED_PACKAGES.map((pkg) => pkg.name.replace('@antq/', '')).sort());
    for (const item of packed) {
      const manifest = JSON.parse(await readFile(join(project, 'node_modules', item.name, 'package.json'), 'utf8')) as { version: string };
      expect(manifest.version).toBe(item.version);
      // A real folder unpacked from the tarball, not a link back into the monorepo.
      expect(existsSync(join(project, 'node_modules', item.name, 'src'))).toBe(false);
    }
  });

  describe.each(PUBLISHED_PACKAGES.map((pkg) => [pkg.name, pkg] as const))('%s', (name, pkg) => describeInstalledPackage(name, pkg, () => project));
});

// One published package's probes, run in the installed project (read through a getter: beforeAll sets it).
function describeInstalledPackage(name: string, pkg: PublishedPackage, project: () => string): void {
  const expected = pkg.probes.map((probe) => probe.expected);
  const slug = name.replace(/^@/, '').replace(/\W+/g, '-');

  it('loads from ESM (import) and answers a real call', async () => {
    await writeFile(join(project(), `${slug}.mjs`), probeFiles(pkg).esm);
    expect(JSON.parse(await run(process.execPath, [`${slug}.mjs`], project()))).toEqual(expected);
  });

  it('loads from CommonJS (require) and answers the same', async () => {
    await writeFile(join(project(), `${slug}.cjs`), probeFiles(pkg).cjs);
    expect(JSON.parse(await run(process.execPath, [`${slug}.cjs`], project()))).toEqual(expected);
  });

  it('has types for both, as TypeScript resolves them under nodenext', async () => {
    const entries = [...new Set(pkg.probes.map((probe) => probe.entry))];
    const body = entries.map((entry, index) => `import * as e${index} from ${JSON.stringify(entry)};\nexport const keys${index}: string[] = Object.keys(e${index});`).join('\n');
    await writeFile(join(project(), `${slug}-types.mts`), body);
    await writeFile(join(project(), `${slug}-types.cts`), body);
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    // A user's strict settings; no @types/node in the project, so nothing leans on the monorepo's.
    const compilerOptions = { noEmit: true, strict: true, skipLibCheck: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] };
    await writeFile(join(project(), `${slug}-tsconfig.json`), JSON.stringify({ compilerOptions, files: [`${slug}-types.mts`, `${slug}-types.cts`] }));
    await run(process.execPath, [tsc, '-p', `${slug}-tsconfig.json`], project());
  });

  const bin = pkg.bin;
  if (bin) {
    it(`runs its command, ${bin.name}`, async () => {
      expect(await run('npx', ['--no-install', bin.name, ...bin.args], project())).toContain(bin.prints);
    });
  }
}
