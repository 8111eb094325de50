import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { createTestDatabase, postSignedGraphQL, recordStatements } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/index.js';
import { loadAgencyDataset } from '../src/records/agency-dataset.js';

/*
 * First pages of lists under a few units are paged in JavaScript over one plain read (issue 16);
 * pages after a cursor are paged in SQL. Both must give the same order and the same totals, also
 * when one record belongs to several lists of the request (a commune and its province).
 */

const signingKey = randomBytes(32).toString('base64');
const tag = `pages-${randomBytes(4).toString('hex')}`;
let commune: string;

const model = (suffix: string) => ({
  id: `${tag}-${suffix}`,
  agency: 'front',
  organisation: 'fatherland_front',
  kind: 'residential_area_camera',
  name: `${tag} ${suffix}`,
  status: 'active',
  areaCode: commune,
  startedOn: '2025-08-01',
  sources: [{ title: tag, date: '2026-03-01' }],
});

describe.each(['pglite', 'postgres'] as const)('pages of lists under a few units (%s)', (kind) => {
  let subgraph: AgencySubgraph;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let statements: string[] = [];

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase() : undefined;
    const registry = await loadAreaRegistry();
    const options = { level: 'commune', provinceCode: '80', on: registry.latestRegister, limit: 1 } as Parameters<AreaRegistry['search']>[1];
    commune = registry.search('2', options)[0]!.code;
    subgraph = await createAgencySubgraph(
      { agency: 'front' },
      { signingKey, registry, logLevel: 'silent', ...(database ? { storage: { kind: 'postgres' as const, url: database.url } } : {}) },
    );
    // Stored out of name order: the pages must follow the names.
    await loadAgencyDataset(subgraph.storage, registry, { agency: 'front', models: [model('c'), model('a'), model('b')], forces: [], observations: [] });
    statements = recordStatements(subgraph.storage);
  }, 120_000);
  afterAll(async () => {
    await subgraph?.close();
    await database?.drop();
  });

  interface ModelPage {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; name: string }[];
  }

  async function pages(after: string | null) {
    statements.length = 0;
    const page = `models(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name } }`;
    const response = await postSignedGraphQL<{ commune: { front: { models: ModelPage } }; province: { front: { models: ModelPage } } }>(subgraph.url, {
      query: `query ($commune: ID!, $after: String) { commune: area(code: $commune) { front { ${page} } } province: area(code: "80") { front { ${page} } } }`,
      variables: { commune, after },
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    return { commune: response.data!.commune.front.models, province: response.data!.province.front.models, statements: [...statements] };
  }

  it('a first page in name order with its total, in a commune and its province alike, and the page after its cursor', async () => {
    const first = await pages(null);
    expect(first.statements.filter((sql) => sql.includes('row_number'))).toEqual([]);
    for (const list of [first.commune, first.province]) {
      expect(list.nodes.map((node) => node.id)).toEqual([`${tag}-a`, `${tag}-b`]);
      expect(list.totalCount).toBe(3);
      expect(list.pageInfo.hasNextPage).toBe(true);
    }

    const next = await pages(first.commune.pageInfo.endCursor);
    expect(next.statements.some((sql) => sql.includes('row_number'))).toBe(true);
    for (const list of [next.commune, next.province]) {
      expect(list.nodes.map((node) => node.id)).toEqual([`${tag}-c`]);
      expect(list.totalCount).toBe(3);
      expect(list.pageInfo.hasNextPage).toBe(false);
    }
  });

  /** Pages of the commune's list alone, with a field kept in `details` (read in SQL, not paged in JavaScript). */
  async function singleList(after: string | null) {
    statements.length = 0;
    const response = await postSignedGraphQL<{ area: { front: { models: ModelPage } } }>(subgraph.url, {
      query: `query ($commune: ID!, $after: String) { area(code: $commune) { front { models(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name sources { title } } } } } }`,
      variables: { commune, after },
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    return { models: response.data!.area.front.models, statements: [...statements] };
  }

  it('a list alone is paged without numbering every row, to the same pages and totals as lists together', async () => {
    const first = await singleList(null);
    const paged = first.statements.filter((sql) => sql.includes('list_total'));
    expect(paged).toHaveLength(1);
    expect(paged[0]).not.toContain('row_number');
    expect(first.models.nodes.map((node) => node.id)).toEqual([`${tag}-a`, `${tag}-b`]);
    expect(first.models.totalCount).toBe(3);
    expect(first.models.pageInfo.hasNextPage).toBe(true);

    const next = await singleList(first.models.pageInfo.endCursor);
    expect(next.models.nodes.map((node) => node.id)).toEqual([`${tag}-c`]);
    expect(next.models.totalCount).toBe(3);
    expect(next.models.pageInfo.hasNextPage).toBe(false);
    expect(next.models.nodes[0]!).toMatchObject({ sources: [{ title: tag }] });

    // Past the last page no row carries the total: it is counted again, still 3.
    const past = await singleList(next.models.pageInfo.endCursor);
    expect(past.models).toMatchObject({ totalCount: 3, nodes: [], pageInfo: { hasNextPage: false } });
    expect(past.statements.filter((sql) => sql.includes('list_total')).every((sql) => !sql.includes('row_number'))).toBe(true);
  });
});
