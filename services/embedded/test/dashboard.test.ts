import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_TOKENS, startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';
import { launchChromium, layoutShift, offlinePage, seriousViolations, signInAs } from './dashboard-browser.js';

/** Waits for what the page shows, as long as a cold graph on a busy machine may take. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 60_000, interval: 100 });

/** Screenshots of each view, linked from services/dashboard/README.md (gitignored). */
const screenshots = fileURLToPath(new URL('../test-results/dashboard/', import.meta.url));

/** The graph and the browser for every test of the file; `open` signs in as a development identity. */
function dashboardSession() {
  let dataDir: string;
  let graph: EmbeddedGraph;
  let browser: Browser;
  let url: string;
  const pages: { elsewhere: string[]; pageErrors: string[] }[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-dashboard-'));
    await mkdir(screenshots, { recursive: true });
    [graph, browser] = await Promise.all([startEmbeddedGraph({ dataDir, port: 0 }), launchChromium()]);
    if (!graph.dashboardUrl) throw new Error('The dashboard is not built: npm run build -w @antq/dashboard');
    url = graph.dashboardUrl;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
    // Nothing any page asked for left 127.0.0.1, and no page threw.
    expect(pages.flatMap((page) => page.elsewhere)).toEqual([]);
    expect(pages.flatMap((page) => page.pageErrors)).toEqual([]);
  });

  async function open(identity: RegExp, hash = ''): Promise<Page> {
    const opened = await offlinePage(browser);
    pages.push(opened);
    await opened.page.goto(url, { waitUntil: 'load' });
    await signInAs(opened.page, identity);
    if (hash) await opened.page.evaluate((next) => (location.hash = next), hash);
    return opened.page;
  }

  return { open, graph: () => graph };
}

type DashboardSession = ReturnType<typeof dashboardSession>;

/** The Area view: search, lineage, figures and the restricted panel. */
function areaViewTests({ open }: DashboardSession) {
  it('finds "long hau" at Xã Cần Giuộc, which includes Xã Long Hậu until 2025-07-01, and draws its lineage', async () => {
    const page = await open(/^Police analyst/);
    expect(await seriousViolations(page)).toEqual([]);
    // By keyboard alone: Tab reaches the search box, Enter searches, Tab reaches the first result, Enter opens it.
    const search = page.getByLabel('Tìm đơn vị hành chính');
    for (let presses = 0; presses < 20 && !(await search.evaluate((input) => input === document.activeElement)); presses++) await page.keyboard.press('Tab');
    await expect.poll(async () => search.evaluate((input) => input === document.activeElement)).toBe(true);
    await page.keyboard.type('long hau');
    await page.keyboard.press('Enter');
    const first = page.getByTestId('search-results').locator('li').first();
    await poll(async () => first.innerText()).toMatch(/^Xã Cần Giuộc \(28159, Tỉnh Tây Ninh\) — gồm Xã Long Hậu đến 01\/07\/2025/);
    const firstResult = first.getByRole('button');
    for (let presses = 0; presses < 5 && !(await firstResult.evaluate((button) => button === document.activeElement)); presses++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await poll(async () => page.getByTestId('area-name').innerText()).toContain('Xã Cần Giuộc');
    const lineage = page.getByTestId('lineage');
    await poll(async () => lineage.innerText()).toContain('Xã Long Hậu');
    expect(await lineage.innerText()).toMatch(/28168 · 01\/11\/2024 – 01\/07\/2025/);
    // Each agency's records: the veterans' boarding-house model is linked to a police one.
    await poll(async () => page.locator('[data-panel="agency-veterans"]').innerText()).toMatch(/PoliceModel: /);
    // Each record cites its sources, listed under its agency's tables.
    expect(await page.locator('[data-panel="agency-veterans"] td.cite').first().innerText()).toMatch(/^\[\d+(, \d+)*\]$/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'area.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(screenshots, 'area-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('shows Mỹ Lộc’s figures and La Gi’s with their comparisons, and switches vi/en labels and number formats', async () => {
    const page = await open(/^Police analyst/, '#/area/28177');
    const cameras = page.locator('[data-testid="key-figures"] tr[data-indicator="cameras_installed"]');
    await poll(async () => cameras.innerText()).toMatch(/150\s+150 \(không có số liệu 2016\)/);
    expect(await cameras.innerText()).toContain('báo cáo theo Xã Mỹ Lộc (đến 01/07/2025)');
    // The figure cites the document it was reported in, listed under the table.
    const cited = (await cameras.locator('td.cite').innerText()).match(/^\[(\d+)/)?.[1];
    expect(cited).toBeDefined();
    expect(
      await page
        .getByTestId('figure-sources')
        .locator('li')
        .nth(Number(cited) - 1)
        .innerText(),
    ).toMatch(/\S/);
    const funding = page.locator('[data-testid="key-figures"] tr[data-indicator="community_funding_vnd"]');
    expect(await funding.innerText()).toContain('630.000.000');
    // Every panel was drawn as its data arrived, and nothing above moved for it.
    await page.locator('[data-panel="agency-police"] table').first().waitFor();
    expect(await layoutShift(page)).toBeLessThan(0.1);

    await page.evaluate(() => (location.hash = '#/area/23235'));
    const offences = page.locator('[data-testid="key-figures"] tr[data-indicator="criminal_offences"]');
    await poll(async () => offences.innerText()).toContain('13/37 (−64,9 %)');
    expect(await page.locator('#figures-title').innerText()).toBe('Số liệu chính');

    await page.getByTestId('lang').selectOption('en');
    await poll(async () => page.locator('#figures-title').innerText()).toBe('Key figures');
    expect(await offences.innerText()).toContain('13/37 (−64.9 %)');
    await page.evaluate(() => (location.hash = '#/area/28177'));
    await poll(async () => funding.innerText()).toContain('630,000,000');
    expect(await cameras.innerText()).toContain('150 (no figure for 2016)');
    await page.getByTestId('lang').selectOption('vi');
  });

  it('explains the restricted panel to a shared-clearance caller and shows the designation to a restricted one', async () => {
    const shared = await open(/^Police analyst, national, clearance shared/, '#/area/28177');
    await poll(async () => shared.locator('[data-panel="restricted"]').innerText()).toContain('Hạn chế: cần mức truy cập `restricted` hoặc được Công an cấp quyền.');
    expect(await shared.getByTestId('designations').count()).toBe(0);

    const restricted = await open(/^Police editor, jurisdiction 80/, '#/area/28177');
    await poll(async () => restricted.getByTestId('designations').innerText()).toContain('ANTT 2017');
    expect(await restricted.getByTestId('restricted').count()).toBe(0);
  });
}

/** The Province, Trends and Changes views. */
function provinceTrendsAndChangesTests({ open, graph: currentGraph }: DashboardSession) {
  it('downloads the province roll-up as CSV with the rows of the table, and opens a commune from the ranking', async () => {
    const page = await open(/^Police analyst/, '#/province/80');
    const rows = page.locator('[data-testid="rollup-table"] tbody tr');
    await poll(async () => rows.count()).toBeGreaterThan(0);
    const table = await rows.evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).dataset.agency, (tr as HTMLElement).dataset.indicator, (tr as HTMLElement).dataset.value]));
    const download = page.waitForEvent('download');
    await page.getByTestId('download-csv').click();
    const file = await (await download).path();
    const text = (await readFile(file!, 'utf8')).replace(/^\uFEFF/, '');
    const [header, ...records] = text.trimEnd().split('\r\n');
    expect(header).toBe('area_code,area_name,agency,indicator,indicator_label,period,value,previous_period,previous,change,change_percent,text,partial_count,partial');
    // Quoted fields in this data hold no commas before the value column, so the first seven cells split plainly.
    expect(records.map((record) => record.split(',')).map((cells) => [cells[2], cells[3], cells[6]])).toEqual(table);
    expect(records.every((record) => record.startsWith('80,Tỉnh Tây Ninh,POLICE,'))).toBe(true);
    await page.locator('[data-panel="ranked"] canvas').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'province.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(screenshots, 'province-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page
      .locator('[data-panel="ranked"]')
      .getByLabel(/Hiện bảng/)
      .check();
    await page.locator('[data-testid="chart-table"] button').first().click();
    await poll(async () => page.getByTestId('area-name').innerText()).toContain('Xã Mỹ Lộc');
  });

  it('draws the trend across the reform with the old unit named', async () => {
    const page = await open(/^Police analyst/, '#/trends/28177');
    await page.locator('[data-panel="trend"] canvas').first().waitFor();
    await poll(async () => page.getByTestId('old-units').innerText()).toContain('báo cáo theo Xã Mỹ Lộc (đến 01/07/2025)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'trends.png'), fullPage: true });
  });

  it('shows a write made through the API in the Changes view within 2 s', async () => {
    const page = await open(/^Police editor, jurisdiction 80/);
    const subscribed = page
      .waitForEvent('websocket')
      .then((socket) => new Promise<void>((resolve) => socket.on('framesent', (frame) => String(frame.payload).includes('"subscribe"') && resolve())));
    await page.evaluate(() => (location.hash = '#/changes/80'));
    await subscribed;
    const token = await currentGraph().issuer.mint(DEVELOPMENT_TOKENS[0]!.claims);
    const report = async (value: number) => {
      const response = await fetch(currentGraph().gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'mutation ($input: ObservationInput!) { reportPoliceObservation(input: $input) { id } }',
          variables: { input: { indicator: 'cameras_installed', areaCode: '28177', period: `2026-${String(value).padStart(2, '0')}`, value } },
        }),
      });
      const answer = (await response.json()) as { data?: { reportPoliceObservation?: { id: string } } };
      return answer.data!.reportPoliceObservation!.id;
    };
    // The stream starts "from now" once the stream subgraph has the subscription, a moment after the
    // page sent it: a first write, repeated until the view shows one, says the view is live.
    const shown = async (id: string, timeout: number) =>
      page
        .locator(`[data-testid="changes"] tr[data-record="${id}"]`)
        .waitFor({ timeout })
        .then(
          () => true,
          () => false,
        );
    let live = false;
    for (let month = 1; month <= 10 && !live; month++) live = await shown(await report(month), 5_000);
    expect(live).toBe(true);
    // Then a write: from its answer to its row in the view, at most 2 s.
    const id = await report(11);
    const written = Date.now();
    expect(await shown(id, 2_000)).toBe(true);
    expect(Date.now() - written).toBeLessThanOrEqual(2_000);
    expect(await page.locator('[data-testid="changes"] tbody tr').first().innerText()).toMatch(/POLICE\s+observation/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'changes.png'), fullPage: true });
  });
}

/**
 * The analysts' dashboard in a real browser (the system's Chromium) against the whole graph on
 * port 0, every request to the internet refused. Needs the dashboard's build (npm run build).
 */
describe('the analysts’ dashboard', () => {
  const session = dashboardSession();
  areaViewTests(session);
  provinceTrendsAndChangesTests(session);
});
