import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL, recordStatements } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/index.js';
import { loadAgencyDataset } from '../src/records/agency-dataset.js';

/*
 * A list reads from its table what its nodes ask for (issue 16): a page of names and statuses
 * leaves the records' `details` (sources, linked records, funding …) in the store, and a page that
 * asks for any of them — directly, in an inline fragment or in a named one — reads them.
 */

const signingKey = randomBytes(32).toString('base64');
let subgraph: AgencySubgraph;
let statements: string[] = [];

const source = { title: 'list-columns', date: '2026-03-01' };
const model = (id: string) => ({
  id,
  agency: 'front',
  organisation: 'fatherland_front',
  kind: 'residential_area_camera',
  name: id,
  status: 'active',
  areaCode: '23235',
  startedOn: '2024-05-01',
  sources: [source],
  linkedRecords: [{ agency: 'police', kind: 'security_model', id: 'police-model-1' }],
});

beforeAll(async () => {
  const registry = await loadAreaRegistry();
  subgraph = await createAgencySubgraph({ agency: 'front' }, { signingKey, registry, logLevel: 'silent' });
  await loadAgencyDataset(subgraph.storage, registry, { agency: 'front', models: [model('camera-a'), model('camera-b')], forces: [], observations: [] });
  statements = recordStatements(subgraph.storage);
}, 120_000);
afterAll(async () => subgraph?.close());

async function listed(nodes: string, fragments = '') {
  statements.length = 0;
  const response = await postSignedGraphQL<{ area: { front: { models: { totalCount: number; nodes: Record<string, unknown>[] } } } }>(subgraph.url, {
    query: `{ area(code: "23235") { front { models(first: 10) { totalCount nodes { ${nodes} } } } } } ${fragments}`,
    signingKey,
    audience: 'front',
    caller: { agency: 'front', clearance: 'shared' },
  });
  expect(response.errors).toBeUndefined();
  const listStatements = statements.filter((sql) => /security_models r\b/.test(sql));
  expect(listStatements).toHaveLength(1);
  return { models: response.data!.area.front.models, readsDetails: /r\.\*|r\.details/.test(listStatements[0]!), statement: listStatements[0]! };
}

describe('a list reads the columns its nodes ask for', () => {
  it('names, statuses, kinds and areas: every record, without their details', async () => {
    const { models, readsDetails } = await listed('id name status kind { code } area { code } startedOn updatedAt');
    expect(readsDetails).toBe(false);
    expect(models.totalCount).toBe(2);
    expect(models.nodes.map((node) => [node.id, node.status, (node.area as { code: string }).code, node.startedOn])).toEqual([
      ['camera-a', 'ACTIVE', '23235', '2024-05-01'],
      ['camera-b', 'ACTIVE', '23235', '2024-05-01'],
    ]);
    expect(typeof models.nodes[0]!.updatedAt).toBe('string');
  });

  it('ids and names: only the columns of the page, its order and the area', async () => {
    const { models, statement } = await listed('id name');
    expect(models.nodes.map((node) => node.name)).toEqual(['camera-a', 'camera-b']);
    expect(statement).not.toMatch(/r\.\*|r\.status|r\.details|r\.updated_at/);
  });

  it('sources asked for in an inline fragment: the details are read', async () => {
    const { models, readsDetails } = await listed('id ... on FrontModel { sources { title } }');
    expect(readsDetails).toBe(true);
    expect(models.nodes[0]!.sources).toEqual([{ title: 'list-columns' }]);
  });

  it('linked records asked for in a named fragment: the details are read', async () => {
    const { models, readsDetails } = await listed('id ...links', 'fragment links on FrontModel { linkedRecords { __typename ... on FrontModel { id } } }');
    expect(readsDetails).toBe(true);
    expect(models.nodes[0]!.linkedRecords).toEqual([{ __typename: 'PoliceModel' }]);
  });
});

describe('lists of one request asking for different nodes', () => {
  it('are read by one statement each, with its own columns and page size, the same on a second request', async () => {
    const query = `{
      a: area(code: "23235") { front { names: models(first: 1) { totalCount nodes { name } } sourced: models(first: 2) { nodes { sources { title } } } } }
      b: area(code: "23235", on: "2026-01-01") { front { names: models(first: 1) { totalCount nodes { name } } } }
    }`;
    for (let round = 0; round < 2; round += 1) {
      statements.length = 0;
      const response = await postSignedGraphQL<Record<'a' | 'b', { front: Record<string, { totalCount?: number; nodes: Record<string, unknown>[] }> }>>(subgraph.url, {
        query,
        signingKey,
        audience: 'front',
        caller: { agency: 'front', clearance: 'shared' },
      });
      expect(response.errors).toBeUndefined();
      const { a, b } = response.data!;
      expect(a.front.names).toEqual({ totalCount: 2, nodes: [{ name: 'camera-a' }] });
      expect(a.front.sourced!.nodes).toEqual([{ sources: [{ title: 'list-columns' }] }, { sources: [{ title: 'list-columns' }] }]);
      expect(b.front.names).toEqual({ totalCount: 2, nodes: [{ name: 'camera-a' }] });
      // The two unit versions' lists of names share a statement; the sourced list has its own.
      const lists = statements.filter((sql) => /security_models r\b/.test(sql));
      expect(lists).toHaveLength(2);
      expect(lists.filter((sql) => /r\.\*|r\.details/.test(sql))).toHaveLength(1);
    }
  });

  it('a list filtered by status (stopped) and the same list unfiltered keep their own statements and answers', async () => {
    statements.length = 0;
    const response = await postSignedGraphQL<{ area: { front: Record<string, { totalCount: number; nodes: { name: string }[] }> } }>(subgraph.url, {
      query: `{ area(code: "23235") { front {
        all: models(first: 1) { totalCount nodes { name } }
        ended: models(first: 1, filter: { statuses: [STOPPED] }) { totalCount nodes { name } }
      } } }`,
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.area.front).toEqual({ all: { totalCount: 2, nodes: [{ name: 'camera-a' }] }, ended: { totalCount: 0, nodes: [] } });
    expect(statements.filter((sql) => /security_models r\b/.test(sql))).toHaveLength(2);
  });
});

describe('a record by id reads the columns its selection asks for', () => {
  async function read(query: string, variables: Record<string, unknown>) {
    statements.length = 0;
    const response = await postSignedGraphQL<Record<string, unknown>>(subgraph.url, {
      query,
      variables,
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    const byId = statements.filter((sql) => /FROM security_models WHERE id = (ANY|\$1)/.test(sql));
    expect(byId).toHaveLength(1);
    return { data: response.data!, readsDetails: /SELECT \*|details/.test(byId[0]!.split('FROM')[0]!) };
  }

  it('an entity asked for its name and status: without its details', async () => {
    const { data, readsDetails } = await read('query ($r: [_Any!]!) { _entities(representations: $r) { ... on FrontModel { id name status } ... on FrontForce { units } } }', {
      r: [{ __typename: 'FrontModel', id: 'camera-b' }],
    });
    expect(readsDetails).toBe(false);
    expect(data._entities).toEqual([{ id: 'camera-b', name: 'camera-b', status: 'ACTIVE' }]);
  });

  it('a lookup asking for sources in a named fragment: with its details', async () => {
    const { data, readsDetails } = await read('query ($id: ID!) { frontModel(id: $id) { id ...sourced } } fragment sourced on FrontModel { sources { title } }', {
      id: 'camera-a',
    });
    expect(readsDetails).toBe(true);
    expect(data.frontModel).toEqual({ id: 'camera-a', sources: [{ title: 'list-columns' }] });
  });
});

describe('the statements an embedded store keeps prepared', () => {
  it('are the reads by id, never a list’s, whose plan depends on its areas', async () => {
    const response = await postSignedGraphQL<Record<string, unknown>>(subgraph.url, {
      query: '{ frontModel(id: "camera-a") { id name } area(code: "23235") { front { models(first: 1) { totalCount nodes { name } } } } }',
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    const kept = (await subgraph.storage.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements WHERE name LIKE $1', ['antq\\_%'])).map((row) => row.statement);
    expect(kept.some((sql) => /FROM security_models WHERE id = (ANY|\$1)/.test(sql))).toBe(true);
    expect(kept.filter((sql) => /security_models r\b/.test(sql))).toEqual([]);
  });
});
