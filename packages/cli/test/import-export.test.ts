import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { runCli, spawnCli, startTestGraph, waitForLine, type TestGraph } from './cli-process.js';
import { generateObservationFile, type GeneratedFile } from './observation-file.js';

let test: TestGraph;
let analyst: string;
let file: GeneratedFile;
const YEAR = 2025;

beforeAll(async () => {
  test = await startTestGraph();
  analyst = await test.graph.issuer.mint({ agency: 'police', jurisdiction: 'VN', roles: ['analyst'], clearance: 'shared' });
  file = generateObservationFile(await loadAreaRegistry(), { goodCount: 9_980, badCount: 20, year: YEAR, seed: Date.now() % 100_000 });
}, 600_000);

afterAll(async () => {
  await test?.close();
}, 180_000);

interface Node {
  id: string;
  value: number;
}

/** Every observation of one agency in an area and period, read page by page straight through GraphQL. */
async function observationsThroughGraphQL(agency: string, filter: { area: string; period: string }): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let after: string | null = null, more = true; more;) {
    const response = await fetch(test.graph.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${analyst}` },
      body: JSON.stringify({
        query: `query ($filter: ObservationFilter, $after: String) { page: ${agency}Observations(filter: $filter, first: 200, after: $after) { pageInfo { hasNextPage endCursor } nodes { id value } } }`,
        variables: { filter, after },
      }),
    });
    const body = (await response.json()) as { data: { page: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Node[] } } };
    nodes.push(...body.data.page.nodes);
    more = body.data.page.pageInfo.hasNextPage;
    after = body.data.page.pageInfo.endCursor;
  }
  return nodes;
}

const allAgencies = async (filter: { area: string; period: string }) =>
  (await Promise.all(['police', 'front', 'veterans', 'youth'].map((agency) => observationsThroughGraphQL(agency, filter)))).flat();
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const csvRows = (text: string) => parse(text, { bom: true, columns: true }) as Record<string, string>[];

describe('antq import observations', () => {
  it('reports exactly the bad lines of a 10,000-row file, by number, and writes nothing', async () => {
    const path = join(test.dataDir, 'with-bad-rows.csv');
    await writeFile(path, file.csv);
    const before = await observationsThroughGraphQL('police', { area: '80', period: String(YEAR) });
    const run = await runCli(['import', 'observations', path], test.env);
    expect(run.code).toBe(6);
    const reported = [...run.stderr.matchAll(/^line (\d+): /gm)].map((match) => Number(match[1]));
    expect(reported).toEqual(file.badLines);
    expect(run.stderr).toMatch(/20 of 10000 rows are wrong/);
    expect(await observationsThroughGraphQL('police', { area: '80', period: String(YEAR) })).toHaveLength(before.length);
  }, 120_000);

  it('writes the good rows, and a second import of the same file writes nothing', async () => {
    const path = join(test.dataDir, 'good.csv');
    const bad = new Set(file.badLines);
    await writeFile(
      path,
      file.csv
        .split('\r\n')
        .filter((_line, i) => !bad.has(i + 1))
        .join('\r\n'),
    );
    const first = await runCli(['import', 'observations', path], test.env);
    expect(first.stderr).toMatch(/9980 rows for the police: 9980 written in [\d.]+ s, 0 already in the graph\./);
    expect(first.code).toBe(0);
    const stored = await observationsThroughGraphQL('police', { area: '80', period: String(YEAR) });
    expect(stored).toHaveLength(9_980);
    expect(sum(stored.map((node) => node.value))).toBe(sum(file.good.map((row) => row.value)));

    const second = await runCli(['import', 'observations', path], test.env);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/9980 rows for the police: 0 written in [\d.]+ s, 9980 already in the graph\./);
    expect(await observationsThroughGraphQL('police', { area: '80', period: String(YEAR) })).toEqual(stored);
  }, 900_000);
});

describe('antq export observations', () => {
  it("exports a province's year to CSV with the rows GraphQL reads: the same count and sums", async () => {
    const out = join(test.dataDir, 'tay-ninh.csv');
    const run = await runCli(['export', 'observations', '--area', '80', '--period', String(YEAR), '--format', 'csv', '--bom', '--out', out], test.env);
    expect(run.code).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text.startsWith('\uFEFFagency,id,indicator,area,area_name')).toBe(true);
    const rows = csvRows(text);
    const graph = await allAgencies({ area: '80', period: String(YEAR) });
    expect(graph.length).toBeGreaterThanOrEqual(9_980);
    expect(rows).toHaveLength(graph.length);
    expect(sum(rows.map((row) => Number(row.value)))).toBe(sum(graph.map((node) => node.value)));
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(graph.map((node) => node.id)));
    // The agencies' lists are counted once, before the pages: every progress line has the whole total.
    expect(new Set([...run.stderr.matchAll(/^exported \d+\/(\d+)$/gm)].map((match) => Number(match[1])))).toEqual(new Set([graph.length]));
    // The notes keep their quotes and diacritics through RFC 4180 quoting.
    expect(rows.some((row) => /^Báo cáo tháng, "số liệu" \d+$/.test(row.note ?? ''))).toBe(true);
  }, 300_000);

  it('resumes an interrupted export without a duplicate or a gap', async () => {
    const out = join(test.dataDir, 'interrupted.csv');
    const args = ['export', 'observations', '--area', '80', '--period', String(YEAR), '--agency', 'police', '--page-size', '50', '--out', out];
    const child = spawnCli(args, test.env);
    // Killed hard in the middle, after a few pages are on disk.
    await waitForLine(child.stderr!, (line) => /^exported (\d+)\/\d+$/.test(line) && Number(/(\d+)\//.exec(line)![1]) >= 500);
    child.kill('SIGKILL');
    await once(child, 'close');
    const partial = csvRows(await readFile(out, 'utf8'));
    expect(partial.length).toBeGreaterThanOrEqual(500);

    const resumed = await runCli([...args, '--resume'], test.env);
    expect(resumed.code).toBe(0);
    const rows = csvRows(await readFile(out, 'utf8'));
    const graph = await observationsThroughGraphQL('police', { area: '80', period: String(YEAR) });
    expect(rows).toHaveLength(graph.length);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(graph.map((node) => node.id)));

    // Finished: nothing is left to resume.
    const again = await runCli([...args, '--resume'], test.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/Nothing to resume/);
  }, 300_000);
});
