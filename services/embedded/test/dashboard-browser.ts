import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The system's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = process.env.ANTQ_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set ANTQ_CHROMIUM).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // No host but 127.0.0.1 resolves: the browser itself cannot reach the internet, watched or not.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

/** The page's uncaught errors as they happen, and what its Content-Security-Policy refused (an error of the page too). */
export function pageErrorsOf(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => void (message.type() === 'error' && message.text().includes('Content Security Policy') && errors.push(message.text())));
  return errors;
}

/**
 * A page on which every request to a host other than 127.0.0.1 is aborted and recorded: nothing may
 * come from the internet. With `intercept: false` (the measurement) requests are only watched, not
 * held by the driver on their way (each would wait for this process): the browser's host rules
 * refuse them all the same.
 */
export async function offlinePage(browser: Browser, options: { token?: string; intercept?: boolean } = {}): Promise<{ page: Page; elsewhere: string[]; pageErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  // Signed in before any script of the page runs, as after a sign-in in this tab.
  if (options.token) await context.addInitScript((value) => sessionStorage.setItem('antq.token', value), options.token);
  const page = await context.newPage();
  const elsewhere: string[] = [];
  const pageErrors = pageErrorsOf(page);
  const local = (url: URL) => url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:';
  if (options.intercept === false) {
    page.on('request', (request) => void (!local(new URL(request.url())) && elsewhere.push(request.url())));
  } else {
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (local(url)) return route.continue();
      elsewhere.push(url.href);
      return route.abort('blockedbyclient');
    });
  }
  await context.addInitScript(() => {
    // Cumulative layout shift not caused by input (Chromium's layout-shift entries): what moves as data arrives.
    const shift = { total: 0 };
    Object.assign(window, { __layoutShift: shift });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) shift.total += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return { page, elsewhere, pageErrors };
}

/** The page's cumulative layout shift so far (0 is none; under 0.1 is what Web Vitals call good). */
export async function layoutShift(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __layoutShift: { total: number } }).__layoutShift.total);
}

/** Signs in with the development identity whose label matches. */
export async function signInAs(page: Page, identity: RegExp): Promise<void> {
  const select = page.locator('select[name="identity"]');
  await select.waitFor();
  const labels = await select.locator('option').allTextContents();
  const index = labels.findIndex((text) => identity.test(text));
  if (index < 0) throw new Error(`No development identity matches ${identity}: ${labels.join(', ')}`);
  await select.selectOption(String(index));
  await page.getByRole('button', { name: /Dùng danh tính này|Use this identity/ }).click();
  await page.getByTestId('signed-in').waitFor();
}

/** axe-core's script from node_modules: run in the page by the driver (past the page's CSP, as an extension would), nothing from the internet. */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The page's serious and critical accessibility violations (axe-core, WCAG 2 A/AA rules), each with where it is. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await readFile(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact?: string; help: string; nodes: { target: unknown[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.targets.slice(0, 5).join(', ')}`);
}
