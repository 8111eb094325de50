import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentIssuer, createGateway, type Gateway } from '../src/index.js';

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');

/** The dashboard's build served at /dashboard (a stand-in build with the same shape: index.html and hashed assets). */
describe('the dashboard at /dashboard', () => {
  let root: string;
  let gateway: Gateway;
  let base: string;
  const marker = randomUUID();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'antq-dashboard-static-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), `<!doctype html><title>${marker}</title><script type="module" src="./assets/index-abc123.js"></script>`);
    await writeFile(join(root, 'assets', 'index-abc123.js'), `console.log(${JSON.stringify(marker)});`);
    const issuer = await createDevelopmentIssuer();
    gateway = await createGateway({
      supergraph,
      signingKey: 'test-signing-key',
      logLevel: false,
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
      dashboard: { root },
    });
    base = gateway.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await gateway?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('redirects /dashboard to /dashboard/, so the page’s relative asset paths resolve', async () => {
    const response = await fetch(`${base}/dashboard`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toMatch(/\/dashboard\/$/);
  });

  it('serves the page (revalidated) and its hashed assets (kept for good)', async () => {
    const page = await fetch(`${base}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain(marker);
    const asset = await fetch(`${base}/dashboard/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toContain(marker);
  });

  it('answers config.json with the GraphQL endpoint and, without settings of its own, no development identities', async () => {
    const response = await fetch(`${base}/dashboard/config.json`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ graphqlUrl: '/graphql' });
  });

  it('still answers GraphQL at /graphql', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
