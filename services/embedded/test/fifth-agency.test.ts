import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;

/**
 * Adding an agency is one command: in a copy of this repository, `npm run new-agency` adds a fifth
 * agency; the copy then compiles, composes, starts, and serves the new agency through the gateway with
 * its own classification and grants — without an edit to the other four.
 */
describe('a fifth agency, added with npm run new-agency', () => {
  let copy: string;
  let generated: { stdout: string };

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'antq-fifth-agency-'));
    // The repository's files as a clean clone has them; node_modules hard-linked (nothing below writes into it).
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const files = stdout.split('\0').filter(Boolean);
    for (let index = 0; index < files.length; index += 500) await run('cp', ['--parents', '-t', copy, ...files.slice(index, index + 500)], { cwd: root });
    await run('cp', ['-al', join(root, 'node_modules'), join(copy, 'node_modules')]);
    generated = await run('npm', ['run', '-s', 'new-agency', '--', 'coastguard', '--vi', 'Cảnh sát biển Việt Nam', '--en', 'Vietnam Coast Guard', '--no-install'], { cwd: copy });
    // What `npm install` does for the new workspace, without touching the shared node_modules.
    await symlink('../../services/coastguard', join(copy, 'node_modules/@antq/coastguard'));
  }, 300_000);

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('touches no file of the other four agencies', async () => {
    expect(generated.stdout).toContain('added as "coastguard"');
    const { stdout } = await run('git', ['diff', '--no-index', '--name-only', join(root, 'services'), join(copy, 'services')], { cwd: root }).catch(
      (error: { stdout: string }) => error,
    );
    const changed = stdout
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(`${copy}/`, '').replace(root, ''));
    expect(changed.filter((path) => /services\/(police|front|veterans|youth)\//.test(path))).toEqual([]);
    expect(changed.some((path) => path.includes('services/coastguard/src/coastguard-subgraph.ts'))).toBe(true);
  });

  it('compiles: every list of agencies the compiler checks has the new one', async () => {
    await run('npx', ['tsc', '--noEmit', '-p', 'services/embedded/tsconfig.json'], { cwd: copy });
    await run('npx', ['tsc', '--noEmit', '-p', 'bench/tsconfig.json'], { cwd: copy });
  }, 300_000);

  it('starts with the graph and serves the new agency through the gateway, its own rules applied', async () => {
    const { stdout } = await run('node', ['--conditions=@antq/source', '--import', 'tsx', 'services/embedded/test/fifth-agency/probe.ts'], {
      cwd: copy,
      maxBuffer: 16 * 1024 * 1024,
    });
    const probe = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(probe.areaView.errors).toBeUndefined();
    expect(probe.areaView.data.area.coastguard).toEqual({ agency: 'COASTGUARD', models: { totalCount: 0 } });
    // Its own records, written by its own editors.
    expect(probe.created.data.createCoastguardModel).toMatchObject({ agency: 'COASTGUARD', organisation: 'COASTGUARD', area: { code: '28159' } });
    expect(probe.corrected.data.correctCoastguardObservation.revision).toBe(2);
    expect(probe.foreignWrite.errors[0].extensions.code).toBe('NOT_OWNING_AGENCY');
    expect(probe.modelsAfter.data.coastguardModels).toEqual({ totalCount: 1, nodes: [{ name: 'Tổ hòa giải ven biển' }] });
    // Its restricted data: the owner reads the history, another agency only once the owner granted it.
    expect(probe.historyOwner.data.coastguardObservations.nodes[0]).toEqual({ value: 4, history: [{ revision: 1, value: 3 }] });
    expect(probe.historyBeforeGrant.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(probe.granted.data.grantCoastguardAccess.active).toBe(true);
    expect(probe.historyAfterGrant.errors).toBeUndefined();
    expect(probe.historyAfterGrant.data.coastguardObservations.nodes[0]).toEqual({ value: 4, history: [{ revision: 1, value: 3 }] });
  }, 600_000);
});
