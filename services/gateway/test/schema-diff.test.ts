import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../src/index.js';

const run = promisify(execFile);
const gatewayDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(gatewayDir, '../../node_modules/.bin/tsx');
const script = join(gatewayDir, 'scripts/schema-diff.ts');

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@inaccessible"])';
const supergraphOf = (sdl: string) => composeSupergraph([{ name: 'police', url: 'http://127.0.0.1:4001/graphql', sdl: `${LINK}\n${sdl}` }]);

const BASE = supergraphOf('type Query { area(code: ID!): Area, internal: String @inaccessible }\ntype Area { code: ID!, name: String! }');

/** A throwaway git repository with schema/supergraph.graphql, and the schema-diff command run in it. */
describe('npm run schema:diff', () => {
  let repo: string;
  const git = (...args: string[]) => run('git', args, { cwd: repo });
  const writeSupergraph = (sdl: string) => writeFile(join(repo, 'schema/supergraph.graphql'), sdl);
  const schemaDiff = (args: string[] = [], env: Record<string, string> = {}) =>
    run(tsx, [script, ...args], { cwd: repo, env: { ...process.env, ANTQ_ALLOW_BREAKING: '', ANTQ_SCHEMA_DIFF_BASE: '', ...env } }).then(
      (done) => ({ code: 0, output: done.stdout + done.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, output: failed.stdout + failed.stderr }),
    );

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'antq-schema-diff-'));
    await git('init', '--quiet');
    await git('config', 'user.email', 'ci@example.invalid');
    await git('config', 'user.name', 'CI');
    await writeFile(join(repo, 'README.md'), 'first commit, before the supergraph\n');
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'first');
    await mkdir(join(repo, 'schema'));
    await writeSupergraph(BASE);
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'supergraph');
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('says when the file did not exist at the ref, and exits 0', async () => {
    const result = await schemaDiff();
    expect(result).toMatchObject({ code: 0, output: expect.stringMatching(/schema\/supergraph\.graphql does not exist at HEAD~1.*skipping/) });
  });

  it('says when the ref does not exist (a shallow clone), and exits 0', async () => {
    const result = await schemaDiff(['HEAD~5']);
    expect(result).toMatchObject({ code: 0, output: expect.stringMatching(/git ref "HEAD~5" does not exist.*skipping/) });
  });

  it('reports no changes for the same API schema, even when only @inaccessible parts changed', async () => {
    await writeSupergraph(supergraphOf('type Query { area(code: ID!): Area, internal: Int @inaccessible }\ntype Area { code: ID!, name: String! }'));
    const result = await schemaDiff(['HEAD']);
    expect(result).toMatchObject({ code: 0, output: expect.stringContaining('No changes.') });
  });

  it('lists additions as non-breaking and exits 0', async () => {
    await writeSupergraph(supergraphOf('type Query { area(code: ID!): Area, internal: String @inaccessible }\ntype Area { code: ID!, name: String!, fullName: String }'));
    const result = await schemaDiff(['HEAD']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/Non-breaking \(1\):\n\s+- Field 'fullName' was added to object type 'Area'/);
    expect(result.output).toContain('0 breaking, 0 dangerous, 1 non-breaking.');
  });

  it('fails on a breaking change, grouped by criticality, unless ANTQ_ALLOW_BREAKING=1', async () => {
    await writeSupergraph(supergraphOf('type Query { area(code: ID!): Area, internal: String @inaccessible }\ntype Area { code: ID!, label: String }'));
    const result = await schemaDiff(['HEAD']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Breaking — existing operations can fail \(1\):\n\s+- Field 'name' .*removed from object type 'Area'/);
    expect(result.output).toMatch(/Non-breaking \(1\):\n\s+- Field 'label' was added/);
    expect(result.output).toMatch(/1 breaking change against HEAD/);
    const allowed = await schemaDiff(['HEAD'], { ANTQ_ALLOW_BREAKING: '1' });
    expect(allowed).toMatchObject({ code: 0, output: expect.stringContaining('Breaking changes allowed by ANTQ_ALLOW_BREAKING=1') });
  });

  it('compares with the previous commit by default', async () => {
    await writeSupergraph(BASE);
    await git('commit', '--quiet', '--allow-empty', '-m', 'unrelated');
    const result = await schemaDiff();
    expect(result).toMatchObject({ code: 0, output: expect.stringContaining('No changes.') });
  });
});
