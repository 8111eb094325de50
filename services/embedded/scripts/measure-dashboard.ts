// The dashboard measured in a real browser on the example data (numbers for services/dashboard/README.md):
// JS shipped for the first view (gzip), and the time from navigation to a rendered Area view and
// Province view. Starts the whole graph on port 0 in a temp folder; runs in about a minute.
//   npm run measure:dashboard -w @antq/embedded        (needs the build: npm run build)
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { DEVELOPMENT_TOKENS, startEmbeddedGraph } from '../src/index.js';
import { launchChromium, offlinePage } from '../test/dashboard-browser.js';

const RUNS = Number(process.env.RUNS ?? 5);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One cold load (fresh browser context, empty cache) of a view; ms from navigation start to `ready`, and the JS it fetched. */
async function load(browser: Browser, options: { url: string; ready: readonly string[]; token: string }) {
  const { url, ready, token } = options;
  const { page, elsewhere } = await offlinePage(browser, { token, intercept: false });
  const js: { url: string; bytes: number; gzip: number }[] = [];
  page.on('response', async (response) => {
    if (!/javascript/.test(response.headers()['content-type'] ?? '')) return;
    const body = await response.body();
    js.push({ url: response.url(), bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
  });
  // The page itself notes when each part first appears (no polling delay of the driver in the number).
  await page.addInitScript((selectors: readonly string[]) => {
    const seen: Record<string, number> = {};
    Object.assign(window, { __seen: seen });
    new MutationObserver(() => {
      for (const selector of selectors) if (!(selector in seen) && document.querySelector(selector)) seen[selector] = performance.now();
    }).observe(document, { subtree: true, childList: true });
    // Cumulative layout shift (Chromium's layout-shift entries not caused by input): what moves as data arrives.
    const shift = { total: 0 };
    Object.assign(window, { __shift: shift });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) shift.total += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  }, ready);
  let graphqlRequests = 0;
  page.on('request', (request) => void (new URL(request.url()).pathname === '/graphql' && graphqlRequests++));
  await page.goto(url);
  for (const selector of ready) await page.locator(selector).first().waitFor({ timeout: 60_000 });
  const seen = await page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
  const layoutShift = await page.evaluate(() => (window as unknown as { __shift: { total: number } }).__shift.total);
  // Where the time went: when the script arrived, and the span of the GraphQL requests.
  // (No named functions inside: tsx would wrap them in a helper the page does not have.)
  const timing = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const graphql = entries.filter((entry) => new URL(entry.name).pathname === '/graphql');
    return {
      scriptLoaded: entries.find((entry) => entry.name.endsWith('.js'))?.responseEnd ?? 0,
      scriptRan: performance.getEntriesByName('antq:script', 'mark')[0]?.startTime ?? 0,
      configIn: performance.getEntriesByName('antq:config', 'mark')[0]?.startTime ?? 0,
      firstRequest: Math.min(...graphql.map((entry) => entry.startTime)),
      lastAnswer: Math.max(...graphql.map((entry) => entry.responseEnd)),
      requests: graphql.map((entry) => entry.responseEnd - entry.startTime),
    };
  });
  await page.context().close();
  if (elsewhere.length > 0) throw new Error(`The page asked the internet for ${elsewhere.join(', ')}`);
  return { ms: Math.max(...Object.values(seen)), seen, js, graphqlRequests, timing, layoutShift };
}

const dataDir = await mkdtemp(join(tmpdir(), 'antq-measure-'));
const [graph, browser] = await Promise.all([startEmbeddedGraph({ dataDir, port: 0 }), launchChromium()]);
try {
  if (!graph.dashboardUrl) throw new Error('The dashboard is not built: npm run build -w @antq/dashboard');
  const token = await graph.issuer.mint(DEVELOPMENT_TOKENS.find((identity) => /^Police analyst/.test(identity.label))!.claims);
  const views = {
    area: { hash: '/area/28177', ready: ['[data-testid="lineage"]', '[data-testid="key-figures"] tbody tr', '[data-panel="agency-police"] table'] },
    province: { hash: '/province/80', ready: ['[data-testid="rollup-table"] tbody tr', '[data-panel="ranked"] canvas'] },
  };
  const results: Record<string, number[]> = { area: [], province: [] };
  const shifts: Record<string, number[]> = { area: [], province: [] };
  let firstViewJs: { url: string; bytes: number; gzip: number }[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    for (const [name, view] of Object.entries(views)) {
      const { ms, js, seen, graphqlRequests, timing, layoutShift } = await load(browser, { url: `${graph.dashboardUrl}#${view.hash}`, ready: view.ready, token });
      if (run === 0) {
        if (name === 'area') firstViewJs = js;
        continue; // the first run warms the graph's caches and PGlite; the rest are measured
      }
      results[name]!.push(ms);
      shifts[name]!.push(layoutShift);
      if (run === RUNS) {
        console.log(
          `${name}, last run: ${graphqlRequests} GraphQL requests; ${Object.entries(seen)
            .map(([selector, at]) => `${selector} at ${at.toFixed(0)} ms`)
            .join(', ')}`,
        );
        const at = (value: number) => `${value.toFixed(0)} ms`;
        console.log(
          `  script loaded at ${at(timing.scriptLoaded)}, ran at ${at(timing.scriptRan)}, config.json in at ${at(timing.configIn)}, GraphQL from ${at(timing.firstRequest)} to ${at(timing.lastAnswer)}, median request ${at(median(timing.requests))}`,
        );
      }
    }
  }
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((value) => value.toFixed(2))
      .join(', ')}`,
  );
  console.log(
    `JS for the first view (Area): ${firstViewJs.length} files, ${kb(firstViewJs.reduce((sum, file) => sum + file.bytes, 0))} KB, ${kb(firstViewJs.reduce((sum, file) => sum + file.gzip, 0))} KB gzip`,
  );
  for (const file of firstViewJs) console.log(`  ${new URL(file.url).pathname}  ${kb(file.bytes)} KB  (${kb(file.gzip)} KB gzip)`);
  for (const [name, values] of Object.entries(results)) {
    console.log(`${name}: median ${median(values).toFixed(0)} ms from navigation to rendered (runs: ${values.map((value) => value.toFixed(0)).join(', ')} ms)`);
    console.log(
      `${name}: cumulative layout shift ${Math.max(...shifts[name]!).toFixed(3)} at most (runs: ${shifts[name]!.map((value) => value.toFixed(3)).join(', ')}; under 0.1 is "good")`,
    );
  }
} finally {
  await browser.close();
  await graph.close();
  await rm(dataDir, { recursive: true, force: true });
}
