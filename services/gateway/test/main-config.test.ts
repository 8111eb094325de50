import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the gateway's main with `env` to its exit: its code and what it printed on stderr. */
async function runGatewayMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['--conditions=@antq/source', 'services/gateway/src/main.ts', '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe("the gateway's main", () => {
  it('refuses authentication off in production, before it opens anything, saying what to set instead', async () => {
    const run = await runGatewayMain({ NODE_ENV: 'production', ANTQ_AUTH: 'off', ANTQ_SIGNING_KEY: 'a-signing-key-for-this-test' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('antq-gateway: ANTQ_AUTH=off is refused when NODE_ENV is production');
    expect(run.stderr).toContain('ANTQ_JWKS_URL');
  }, 60_000);

  it('refuses CORS origins that are not origins, saying what one looks like', async () => {
    const run = await runGatewayMain({ ANTQ_CORS_ORIGINS: 'https://dashboard.example.gov.vn,https://partner.example/app', ANTQ_SIGNING_KEY: 'a-signing-key-for-this-test' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ANTQ_CORS_ORIGINS: must list origins, comma-separated, each a scheme and a host with no path');
  }, 60_000);

  it('refuses a metrics token too short to keep /metrics to its scrapers', async () => {
    const run = await runGatewayMain({ ANTQ_METRICS_TOKEN: 'short-token', ANTQ_SIGNING_KEY: 'a-signing-key-for-this-test' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ANTQ_METRICS_TOKEN: must be 16 characters or more');
  }, 60_000);
});
