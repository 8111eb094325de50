import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_OPERATIONS } from '@antq/gateway';
import { startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';
import { launchChromium, pageErrorsOf } from './dashboard-browser.js';

/** The system's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
const outputDir = fileURLToPath(new URL('../test-results/', import.meta.url));

/**
 * GraphiQL on a closed network: a real browser, every request to a host other than 127.0.0.1
 * aborted, opens the page `npm start` prints, sees the editor with the example operations and a
 * development token in the Headers pane, runs the first example and sees its answer.
 */
describe('GraphiQL without the internet', () => {
  let dataDir: string;
  let graph: EmbeddedGraph;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-graphiql-'));
    [graph, browser] = await Promise.all([startEmbeddedGraph({ dataDir, port: 0 }), launchChromium()]);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('renders the editor, runs an example operation with the pre-filled token and shows its answer, asking nothing of the internet', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const elsewhere: string[] = [];
    const local: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') {
        local.push(url.pathname);
        return route.continue();
      }
      elsewhere.push(url.href);
      return route.abort('blockedbyclient');
    });
    const pageErrors = pageErrorsOf(page);

    await page.goto(graph.gateway.url, { waitUntil: 'load', timeout: 120_000 });
    // The editor: GraphiQL's container, the example operations' tabs and a Monaco editor.
    await page.locator('.graphiql-container').first().waitFor({ timeout: 120_000 });
    await page.locator('.monaco-editor').first().waitFor({ timeout: 120_000 });
    await expect
      .poll(() => page.locator('.graphiql-tab').allTextContents(), { timeout: 60_000 })
      .toEqual(EXAMPLE_OPERATIONS.map((operation) => expect.stringContaining(operation.name)));

    const asked = page.waitForRequest(
      (request: Request) => request.method() === 'POST' && new URL(request.url()).pathname === '/graphql' && /TongQuanDiaBan_AreaOverview/.test(request.postData() ?? ''),
      { timeout: 60_000 },
    );
    const answered = page.waitForResponse((response) => response.request().method() === 'POST' && /TongQuanDiaBan_AreaOverview/.test(response.request().postData() ?? ''), {
      timeout: 120_000,
    });
    await page.locator('.graphiql-execute-button').first().click();
    const request = await asked;
    // The Headers pane came with a police editor's token of this graph.
    const token = /^Bearer (\S+)$/.exec((await request.allHeaders()).authorization ?? '')?.[1];
    expect(token).toBeDefined();
    expect(JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString())).toMatchObject({ agency: 'police', roles: ['editor'], clearance: 'restricted' });
    const answer = (await (await answered).json()) as { data?: { area?: { fullName?: string } }; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.area?.fullName).toBe('Xã Cần Giuộc');
    // …and the answer appears in the response pane (Monaco renders spaces as no-break spaces).
    await expect
      .poll(
        () =>
          page
            .locator('.graphiql-response')
            .first()
            .innerText()
            .then((text) => text.replace(/\s+/g, ' ')),
        { timeout: 60_000 },
      )
      .toContain('"fullName": "Xã Cần Giuộc"');

    await mkdir(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, 'graphiql-offline.png') });
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(local.filter((path) => path.startsWith('/graphiql-assets/')).length).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
