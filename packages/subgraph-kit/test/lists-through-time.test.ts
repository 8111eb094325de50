import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL, recordStatements } from '@antq/testing';
import { createAgencySubgraph, encodeCursor, type AgencySubgraph } from '../src/index.js';
import { loadAgencyDataset } from '../src/records/agency-dataset.js';

/*
 * An agency's lists under a unit as it was (issue 13). Code 23235 named Phường Tân An (Bình Thuận)
 * until 2025-07-01 and names Phường La Gi (Lâm Đồng) since; 80 named Tỉnh Long An and names Tỉnh
 * Tây Ninh. Records keep the code they were written under, so a list of the old unit must leave
 * out what was recorded under its code after the code passed to the new one, and what the new
 * unit took in from elsewhere; the current unit lists both eras.
 */

const signingKey = randomBytes(32).toString('base64');
let subgraph: AgencySubgraph;

const TAN_AN = { code: '23235', on: '2025-01-01' };
const LONG_AN = { code: '80', on: '2024-06-01' };
const source = { title: 'lists-through-time', date: '2026-03-01' };
const model = (id: string, areaCode: string, startedOn?: string) => ({
  id,
  agency: 'front',
  organisation: 'fatherland_front',
  kind: 'residential_area_camera',
  name: id,
  status: 'active',
  areaCode,
  ...(startedOn ? { startedOn } : {}),
  sources: [source],
});
const force = (id: string, areaCode: string, establishedOn: string) => ({
  id,
  agency: 'front',
  organisation: 'fatherland_front',
  kind: 'self_management_steering_board',
  name: id,
  areaCode,
  units: 1,
  establishedOn,
  sources: [source],
});
const observation = (id: string, areaCode: string, period: string) => ({ id, indicator: 'criminal_offences', areaCode, period, value: 3, sources: [source] });

beforeAll(async () => {
  const registry = await loadAreaRegistry();
  subgraph = await createAgencySubgraph({ agency: 'front' }, { signingKey, registry, logLevel: 'silent' });
  await loadAgencyDataset(subgraph.storage, registry, {
    agency: 'front',
    models: [
      model('tan-an-2017', '23235', '2017-05-01'),
      model('la-gi-2026', '23235', '2026-01-10'),
      model('undated-23235', '23235'),
      model('long-hau-2023', '28168', '2023-03-01'),
      model('tay-ninh-2026', '80', '2026-02-01'),
      model('can-giuoc-2025', '28159', '2025-08-01'),
    ],
    forces: [force('tan-an-force-2018', '23235', '2018-01-01'), force('la-gi-force-2026', '23235', '2026-01-05')],
    observations: [observation('tan-an-2017', '23235', '2017'), observation('la-gi-2026-01', '23235', '2026-01')],
  });
}, 120_000);
afterAll(async () => subgraph?.close());

async function ask<T>(query: string, variables: Record<string, unknown> = {}) {
  return postSignedGraphQL<T>(subgraph.url, { query, variables, signingKey, audience: 'front', caller: { agency: 'front', clearance: 'shared' } });
}

type Ids = { nodes: { id: string }[]; totalCount: number };
const ids = (list: Ids) => list.nodes.map((node) => node.id).sort();

async function viewLists(place: { code: string; on?: string }) {
  const response = await ask<{ area: { front: { models: Ids; forces: Ids; observations: Ids } } }>(
    `query ($code: ID!, $on: Date) { area(code: $code, on: $on) { front {
      models(first: 50) { totalCount nodes { id } } forces(first: 50) { totalCount nodes { id } } observations(first: 50) { totalCount nodes { id } }
    } } }`,
    { code: place.code, on: place.on ?? null },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.area.front;
}

describe('Area.<agency> lists under a unit as it was', () => {
  it('Phường Tân An (23235 on 2025-01-01) lists its own era: not what Phường La Gi recorded under the code later', async () => {
    const lists = await viewLists(TAN_AN);
    expect(ids(lists.models)).toEqual(['tan-an-2017', 'undated-23235']);
    expect(lists.models.totalCount).toBe(2);
    expect(ids(lists.forces)).toEqual(['tan-an-force-2018']);
    expect(ids(lists.observations)).toEqual(['tan-an-2017']);
  });

  it('Phường La Gi (23235 now) lists both eras: it took Tân An in', async () => {
    const lists = await viewLists({ code: '23235' });
    expect(ids(lists.models)).toEqual(['la-gi-2026', 'tan-an-2017', 'undated-23235']);
    expect(ids(lists.forces)).toEqual(['la-gi-force-2026', 'tan-an-force-2018']);
    expect(ids(lists.observations)).toEqual(['la-gi-2026-01', 'tan-an-2017']);
  });

  it('Tỉnh Long An (80 on 2024-06-01) lists its communes as they stood, not Tây Ninh’s later records nor Bình Thuận’s', async () => {
    expect(ids((await viewLists(LONG_AN)).models)).toEqual(['long-hau-2023']);
  });

  it('Tỉnh Tây Ninh (80 now) lists Long An’s communes, its own new communes and its own records', async () => {
    expect(ids((await viewLists({ code: '80' })).models)).toEqual(['can-giuoc-2025', 'long-hau-2023', 'tay-ninh-2026']);
  });
});

describe('an observation list read alone, page by page', () => {
  type Page = { nodes: { id: string }[]; totalCount?: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  const page = async (after: string | null, counted = true) => {
    const response = await ask<{ area: { front: { observations: Page } } }>(
      `query ($after: String) { area(code: "23235") { front { observations(first: 1, after: $after) { ${counted ? 'totalCount' : ''} pageInfo { hasNextPage endCursor } nodes { id } } } } }`,
      { after },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.area.front.observations;
  };

  it('gives each page in period order after its cursor, the same total on every page, and past the last an empty page', async () => {
    const first = await page(null);
    expect(first).toMatchObject({ totalCount: 2, nodes: [{ id: 'tan-an-2017' }], pageInfo: { hasNextPage: true } });
    const second = await page(first.pageInfo.endCursor);
    expect(second).toMatchObject({ totalCount: 2, nodes: [{ id: 'la-gi-2026-01' }], pageInfo: { hasNextPage: false } });
    expect(await page(second.pageInfo.endCursor)).toMatchObject({ totalCount: 2, nodes: [], pageInfo: { hasNextPage: false } });
  });

  it('without totalCount, gives the same pages and counts no row', async () => {
    const statements = recordStatements(subgraph.storage);
    const first = await page(null, false);
    expect(first).toEqual({ nodes: [{ id: 'tan-an-2017' }], pageInfo: { hasNextPage: true, endCursor: expect.any(String) } });
    const second = await page(first.pageInfo.endCursor, false);
    expect(second).toEqual({ nodes: [{ id: 'la-gi-2026-01' }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } });
    expect(await page(second.pageInfo.endCursor, false)).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const pages = statements.filter((sql) => /JOIN observations r\b/.test(sql));
    expect(pages).toHaveLength(3);
    for (const sql of pages) expect(sql).not.toMatch(/count\(\*\)|row_number/);
  });

  it('refuses a cursor that names no period and indicator as bad input, and one of a day that does not exist', async () => {
    for (const name of ['Phường Tân An', '2025-02-30|criminal_offences', '2025-07-01|']) {
      const response = await ask(`query ($after: String) { area(code: "23235") { front { observations(first: 1, after: $after) { nodes { id } } } } }`, {
        after: encodeCursor({ name, id: 'tan-an-2017' }),
      });
      expect(response.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    }
  });
});

describe('the root lists take the same `on`', () => {
  it('frontModels(filter: { area, on }) lists the unit as it was; without `on`, the current unit', async () => {
    const query = 'query ($filter: ModelFilter) { frontModels(filter: $filter, first: 50) { totalCount nodes { id } } }';
    const then = await ask<{ frontModels: Ids }>(query, { filter: { area: TAN_AN.code, on: TAN_AN.on } });
    const now = await ask<{ frontModels: Ids }>(query, { filter: { area: TAN_AN.code } });
    expect(ids(then.data!.frontModels)).toEqual(['tan-an-2017', 'undated-23235']);
    expect(ids(now.data!.frontModels)).toEqual(['la-gi-2026', 'tan-an-2017', 'undated-23235']);
  });

  it('an Area.<agency> filter naming another area reads that area, with the filter’s own `on`', async () => {
    const response = await ask<{ area: { front: { models: Ids } } }>(
      `{ area(code: "68") { front { models(filter: { area: "23235", on: "2025-01-01" }, first: 50) { totalCount nodes { id } } } } }`,
    );
    expect(ids(response.data!.area.front.models)).toEqual(['tan-an-2017', 'undated-23235']);
  });

  it('a filter naming an unknown kind or indicator is refused with the closest codes, where it would list nothing', async () => {
    const cases = [
      ['{ frontModels(filter: { kinds: ["residential_area_camra"] }) { totalCount } }', 'BAD_USER_INPUT', 'residential_area_camera'],
      ['{ area(code: "23235") { front { forces(filter: { kinds: ["self_management_steering_bord"] }) { totalCount } } } }', 'BAD_USER_INPUT', 'self_management_steering_board'],
      ['{ frontObservations(filter: { indicators: ["criminal_ofences"] }) { totalCount } }', 'UNKNOWN_INDICATOR', 'criminal_offences'],
    ] as const;
    for (const [query, code, closest] of cases) {
      const response = await ask<unknown>(query);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code });
      expect(response.errors?.[0]?.extensions?.suggestions).toContain(closest);
    }
    // Known codes still list what they match.
    const known = await ask<{ frontModels: Ids }>('{ frontModels(filter: { area: "23235", kinds: ["residential_area_camera"] }, first: 50) { totalCount nodes { id } } }');
    expect(ids(known.data!.frontModels)).toEqual(['la-gi-2026', 'tan-an-2017', 'undated-23235']);
  });

  it('a date that is not a date is refused as bad input, with the field named', async () => {
    const response = await ask<unknown>('{ frontModels(filter: { area: "23235", on: "2025-13-40" }) { totalCount } }');
    expect(response.data ?? null).toBeNull();
    expect(JSON.stringify(response.errors)).toMatch(/on/);
  });
});
