import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalSdl, createTestDatabase, postGraphQL, postSignedGraphQL } from '@antq/testing';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;
const PACKAGES = ['packages/sdk', 'packages/subgraph-kit', 'services/police'];

/** Starts the installed service's main as an operator would, and resolves with its URL once it listens. */
function startInstalled(cwd: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('node', ['node_modules/@antq/police/dist/main.js'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => reject(new Error(`the installed police subgraph exited (${code}) before listening:\n${output}`)));
  });
}

/**
 * A service's schema travels with it: the police subgraph packed with `npm pack` and installed in an
 * empty folder, outside the monorepo, starts against PostgreSQL and answers a gateway-signed query with
 * the contract it was built with.
 */
describe('the police subgraph packed and installed outside the repository', () => {
  let folder: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: { child: ChildProcess; url: string };
  const signingKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'antq-packed-police-'));
    const tarballs: string[] = [];
    for (const path of PACKAGES) {
      await run('npm', ['run', 'build'], { cwd: join(root, path) });
      const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], { cwd: join(root, path) });
      tarballs.push(`./${(JSON.parse(stdout) as { filename: string }[])[0]!.filename}`);
    }
    await writeFile(join(folder, 'package.json'), JSON.stringify({ name: 'police-deployment', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: folder, maxBuffer: 16 * 1024 * 1024 });
    database = await createTestDatabase();
    service = await startInstalled(folder, {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      DATABASE_URL: database.url,
      ANTQ_SIGNING_KEY: signingKey,
      LOG_LEVEL: 'warn',
    });
  }, 600_000);

  afterAll(async () => {
    service?.child.kill('SIGTERM');
    if (service) await new Promise((resolve) => service.child.once('exit', resolve));
    await database?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('carries its own part of the contract and the kit its shared part', async () => {
    const listing = await run('tar', ['-tzf', join(folder, 'antq-police-0.1.0.tgz')]);
    expect(listing.stdout).toContain('package/schema/police.graphql');
    expect(listing.stdout).toContain('package/dist/main.js');
    const kit = await run('tar', ['-tzf', join(folder, 'antq-subgraph-kit-0.1.0.tgz')]);
    expect(kit.stdout).toContain('package/contract/shared.graphql');
  });

  it('serves, signed, the SDL that npm run compose checked in', async () => {
    const response = await postSignedGraphQL<{ _service: { sdl: string } }>(service.url, { query: '{ _service { sdl } }', signingKey, audience: 'police' });
    expect(response.errors).toBeUndefined();
    const checkedIn = await readFile(join(root, 'schema/police.graphql'), 'utf8');
    expect(canonicalSdl(response.data!._service.sdl)).toBe(canonicalSdl(checkedIn));
    expect(response.data!._service.sdl).toContain(
      'complexAreaDesignations: [ComplexAreaDesignation!] @requiresScopes(scopes: [["restricted"]]) @policy(policies: [["police:restricted"]])',
    );
  });

  it('answers queries and writes of its own contract against PostgreSQL, and refuses an unsigned call', async () => {
    const caller = { agency: 'police', organisation: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' } as const;
    const written = await postSignedGraphQL<{ registerResidentialArea: { id: string; name: string } }>(service.url, {
      query: 'mutation { registerResidentialArea(input: { slug: "ap-1", communeCode: "28159", name: "Ấp 1", localKind: "ap" }) { id name } }',
      signingKey,
      audience: 'police',
      caller,
    });
    expect(written.errors).toBeUndefined();
    expect(written.data!.registerResidentialArea).toEqual({ id: '28159:ap-1', name: 'Ấp 1' });
    const read = await postSignedGraphQL<{ residentialArea: { name: string; commune: { code: string } } }>(service.url, {
      query: '{ residentialArea(id: "28159:ap-1") { name commune { code } } }',
      signingKey,
      audience: 'police',
    });
    expect(read.data!.residentialArea).toEqual({ name: 'Ấp 1', commune: { code: '28159' } });
    const unsigned = await postGraphQL(service.url, '{ policeModels { totalCount } }');
    expect(unsigned.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
