import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { createTestDatabase, postSignedGraphQL, recordStatements } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/index.js';
import { loadAgencyDataset } from '../src/records/agency-dataset.js';

/*
 * First pages of lists under a few units are paged in JavaScript over one plain read (issue 16);
 * pages after a cursor are paged in SQL. Both must give the same order and the same totals, also
 * when one record belongs to several lists of the request (a commune and its province). A page
 * whose totalCount is not asked for counts nothing, and pages the same.
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

interface ModelPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: { id: string; name: string }[];
}

/** A front subgraph on `kind` with the three models, stored out of name order (the pages must follow the names); `statements` collects the SQL it runs. */
function useSubgraphWithModels(kind: 'pglite' | 'postgres') {
  const state = { subgraph: undefined as unknown as AgencySubgraph, statements: [] as string[] };
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase() : undefined;
    const registry = await loadAreaRegistry();
    const options = { level: 'commune', provinceCode: '80', on: registry.latestRegister, limit: 1 } as Parameters<AreaRegistry['search']>[1];
    commune = registry.search('2', options)[0]!.code;
    state.subgraph = await createAgencySubgraph(
      { agency: 'front' },
      { signingKey, registry, logLevel: 'silent', ...(database ? { storage: { kind: 'postgres' as const, url: database.url } } : {}) },
    );
    await loadAgencyDataset(state.subgraph.storage, registry, { agency: 'front', models: [model('c'), model('a'), model('b')], forces: [], observations: [] });
    state.statements = recordStatements(state.subgraph.storage);
  }, 120_000);
  afterAll(async () => {
    await state.subgraph?.close();
    await database?.drop();
  });
  return state;
}

describe.each(['pglite', 'postgres'] as const)('pages of lists under a few units (%s)', (kind) => {
  const state = useSubgraphWithModels(kind);

  async function pages(after: string | null) {
    state.statements.length = 0;
    const page = `models(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name } }`;
    const response = await postSignedGraphQL<{ commune: { front: { models: ModelPage } }; province: { front: { models: ModelPage } } }>(state.subgraph.url, {
      query: `query ($commune: ID!, $after: String) { commune: area(code: $commune) { front { ${page} } } province: area(code: "80") { front { ${page} } } }`,
      variables: { commune, after },
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    return { commune: response.data!.commune.front.models, province: response.data!.province.front.models, statements: [...state.statements] };
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
    state.statements.length = 0;
    const response = await postSignedGraphQL<{ area: { front: { models: ModelPage } } }>(state.subgraph.url, {
      query: `query ($commune: ID!, $after: String) { area(code: $commune) { front { models(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name sources { title } } } } } }`,
      variables: { commune, after },
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    return { models: response.data!.area.front.models, statements: [...state.statements] };
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

describe.each(['pglite', 'postgres'] as const)('pages read without their total (%s)', (kind) => {
  const state = useSubgraphWithModels(kind);

  /** The same pages with a selection of the caller's (`{commune}` and `{province}`: the lists' own selections). */
  async function ask<Lists extends string>(query: string, variables: Record<string, unknown>, lists: readonly Lists[]) {
    state.statements.length = 0;
    const response = await postSignedGraphQL<Record<Lists, { front: { models: Partial<ModelPage> } }>>(state.subgraph.url, {
      query,
      variables: { commune, ...variables },
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    const pagesRead = state.statements.filter((sql) => /\b(FROM|JOIN) security_models r\b/.test(sql));
    return { lists: Object.fromEntries(lists.map((list) => [list, response.data![list].front.models])) as Record<Lists, Partial<ModelPage>>, pagesRead };
  }

  it('a page whose totalCount is not asked for counts no row, and pages alike, alone or with other lists', async () => {
    const alone = (after: string | null) =>
      ask(
        `query ($commune: ID!, $after: String) { commune: area(code: $commune) { front { models(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { id name } } } } }`,
        { after },
        ['commune'],
      );
    const first = await alone(null);
    // In SQL, a top-N of the list's rows: not the read of every row that pages in JavaScript.
    expect(first.pagesRead).toHaveLength(1);
    expect(first.pagesRead[0]).not.toMatch(/count\(\*\)|row_number/);
    expect(first.pagesRead[0]).toContain('LIMIT');
    expect(first.lists.commune.nodes!.map((node) => node.id)).toEqual([`${tag}-a`, `${tag}-b`]);
    expect(first.lists.commune.pageInfo!.hasNextPage).toBe(true);

    const next = await alone(first.lists.commune.pageInfo!.endCursor!);
    expect(next.pagesRead).toHaveLength(1);
    expect(next.pagesRead[0]).not.toMatch(/count\(\*\)/);
    expect(next.lists.commune.nodes!.map((node) => node.id)).toEqual([`${tag}-c`]);
    expect(next.lists.commune.pageInfo!.hasNextPage).toBe(false);

    // Past the last page nothing is counted again: one read, an empty page.
    const past = await alone(next.lists.commune.pageInfo!.endCursor!);
    expect(past.pagesRead).toHaveLength(1);
    expect(past.lists.commune).toEqual({ pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });

    // Two lists in one statement, partitioned, still without a count.
    const together = await ask(
      `query ($commune: ID!, $after: String) {
        commune: area(code: $commune) { front { models(first: 2, after: $after) { pageInfo { hasNextPage } nodes { id } } } }
        province: area(code: "80") { front { models(first: 2, after: $after) { pageInfo { hasNextPage } nodes { id } } } }
      }`,
      { after: first.lists.commune.pageInfo!.endCursor },
      ['commune', 'province'],
    );
    expect(together.pagesRead).toHaveLength(1);
    expect(together.pagesRead[0]).toContain('row_number');
    expect(together.pagesRead[0]).not.toMatch(/count\(\*\)/);
    for (const list of [together.lists.commune, together.lists.province]) expect(list).toEqual({ pageInfo: { hasNextPage: false }, nodes: [{ id: `${tag}-c` }] });
  });

  it('a totalCount asked through a fragment, or next to a list that does not ask it, is counted', async () => {
    const { lists, pagesRead } = await ask(
      `query ($commune: ID!) {
        commune: area(code: $commune) { front { models(first: 1) { ...Total nodes { id } } } }
        province: area(code: "80") { front { models(first: 1) { nodes { id } } } }
      }
      fragment Total on FrontModelConnection { ... on FrontModelConnection { totalCount } }`,
      {},
      ['commune', 'province'],
    );
    expect(lists.commune).toEqual({ totalCount: 3, nodes: [{ id: `${tag}-a` }] });
    expect(lists.province).toEqual({ nodes: [{ id: `${tag}-a` }] });
    // One page counted and one not: two batches.
    expect(pagesRead).toHaveLength(2);
  });
});
