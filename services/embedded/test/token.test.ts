import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importSPKI, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentIssuer } from '@antq/gateway/development-issuer';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tokenMain = fileURLToPath(new URL('../dist/token.js', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd: repoRoot, env: { ...process.env, ANTQ_DATA_DIR: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const JWT_LINE = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

/** `npm run token` as a process: only the token on stdout, every flag checked, exit 2 on bad input. */
describe('npm run token', () => {
  let dataDir: string;
  const token = (...args: string[]) => run(process.execPath, [tokenMain, '--data-dir', dataDir, ...args]);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-token-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints only a JWT through npm run -s, with the claims asked for, signed by the data folder’s key', async () => {
    const roles = [['analyst'], ['editor'], ['admin'], ['editor', 'admin']][Math.floor(Math.random() * 4)]!;
    const area = ['80', '28159', '28168', '79'][Math.floor(Math.random() * 4)]!;
    const result = await run('npm', [
      'run',
      '-s',
      'token',
      '--',
      '--agency',
      'front',
      '--area',
      area,
      ...roles.flatMap((role) => ['--role', role]),
      '--clearance',
      'restricted',
      '--data-dir',
      dataDir,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(JWT_LINE);
    const issuer = await createDevelopmentIssuer({ keyDir: join(dataDir, 'issuer') });
    const { payload } = await jwtVerify(result.stdout.trim(), await importSPKI(issuer.publicKeyPem, 'ES256'), { issuer: issuer.issuer, audience: issuer.audience });
    expect(payload).toMatchObject({ agency: 'front', organisation: 'fatherland_front', jurisdiction: area, roles, clearance: 'restricted' });
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
  }, 120_000);

  it('explains itself with --help and exits 0', async () => {
    const result = await token('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run -s token -- --agency <agency>');
    expect(result.stdout).toContain('--clearance <class>');
    expect(result.stderr).toBe('');
  });

  it.each([
    [['--agency', 'police', '--role', 'editr'], 'Unknown role "editr"'],
    [['--agency', 'police', '--area', '99999'], 'Unknown area code "99999"'],
    [['--agency', 'polis'], 'Unknown agency "polis"'],
    [['--role', 'editor'], 'Say which agency'],
    [['--agency', 'police', '--clearance', 'secret'], 'Unknown clearance "secret"'],
    [['--agency', 'police', '--expires', 'tomorrow'], 'Unreadable lifetime "tomorrow"'],
    [['--agency', 'police', '--organisation', 'womens_union'], 'Organisation "womens_union" is not one of the police'],
    [['--agency', 'police', '--jurisdiction', '80'], "Unknown option '--jurisdiction'"],
  ])('refuses %j with exit code 2 and says what is wrong', async (args, message) => {
    const result = await token(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('--help');
  });

  it('mints for a member organisation of the agency, with a lifetime asked for', async () => {
    const result = await token('--agency', 'front', '--organisation', 'womens_union', '--expires', '30m');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(JWT_LINE);
    const claims = JSON.parse(Buffer.from(result.stdout.split('.')[1]!, 'base64url').toString()) as Record<string, number | string>;
    expect(claims).toMatchObject({ agency: 'front', organisation: 'womens_union', roles: ['analyst'], clearance: 'shared' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(1800);
  });
});
