import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/index.js';
import { post, startTwoAgencyGraph, type TwoAgencyGraph } from './two-agency-graph.js';

// Every package must run the @graphql-tools/executor major it declares: a 1.x reader of 2.x's
// coerced variables loses the operation's defaults (issue 10, point 5).

let graph: TwoAgencyGraph;
let uncached: Gateway;
let cached: Gateway;
let callers: Record<'policeAnalyst' | 'frontAnalyst' | 'anonymous', string | undefined>;
let policeModel: { id: string; name: string };
let frontModelId: string;

beforeAll(async () => {
  graph = await startTwoAgencyGraph();
  uncached = await graph.gateway({ responseCache: false });
  cached = await graph.gateway();
  const policeEditor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
  const frontEditor = await graph.issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'] });
  callers = {
    policeAnalyst: await graph.issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared' }),
    frontAnalyst: await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' }),
    anonymous: undefined,
  };
  const name = `Camera ${randomUUID()}`;
  const created = await post(uncached.url, 'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', policeEditor, {
    input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name },
  });
  expect(created.body.errors).toBeUndefined();
  policeModel = { id: (created.body.data!.createPoliceModel as { id: string }).id, name };
  const front = await post(uncached.url, 'mutation ($input: SecurityModelInput!) { createFrontModel(input: $input) { id } }', frontEditor, {
    input: {
      kind: 'security_camera',
      status: 'ACTIVE',
      areaCode: '28177',
      name: `Front camera ${randomUUID()}`,
      organisation: 'FATHERLAND_FRONT',
      linkedRecords: [{ agency: 'POLICE', kind: 'security_model', id: policeModel.id }],
    },
  });
  expect(front.body.errors).toBeUndefined();
  frontModelId = (front.body.data!.createFrontModel as { id: string }).id;
}, 300_000);

afterAll(async () => {
  await graph?.close();
}, 300_000);

describe.each([
  ['without the response cache', () => uncached],
  ['with the response cache', () => cached],
])('operation defaults, %s', (_label, gatewayOf) => {
  it('applies a defaulted @include and @skip on a field', async () => {
    const answer = await post(
      gatewayOf().url,
      'query ($x: Boolean = true, $s: Boolean = false) { area(code: "28159") { code name @include(if: $x) fullName @skip(if: $s) } }',
      callers.policeAnalyst,
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ area: { code: '28159', name: expect.any(String), fullName: expect.stringContaining('Cần Giuộc') } });
    const overridden = await post(gatewayOf().url, 'query ($x: Boolean = true) { area(code: "28159") { code name @include(if: $x) } }', callers.policeAnalyst, { x: false });
    expect(overridden.body.data).toEqual({ area: { code: '28159' } });
  });

  it('applies a defaulted @include on an inline fragment of a union, across subgraphs', async () => {
    const query = `query ($x: Boolean = true) { frontModel(id: "${frontModelId}") { id linkedRecords { ... on PoliceModel @include(if: $x) { id name } } } }`;
    const answer = await post(gatewayOf().url, query, callers.frontAnalyst);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ frontModel: { id: frontModelId, linkedRecords: [policeModel] } });
    const skipped = `query ($y: Boolean = true) { frontModel(id: "${frontModelId}") { id linkedRecords { __typename ... on PoliceModel @skip(if: $y) { name } } } }`;
    expect((await post(gatewayOf().url, skipped, callers.frontAnalyst)).body.data).toEqual({ frontModel: { id: frontModelId, linkedRecords: [{ __typename: 'PoliceModel' }] } });
  });

  it('answers a defaulted required variable every time, for every caller', async () => {
    const query = 'query ($code: ID! = "28159") { area(code: $code) { code name } }';
    for (let round = 0; round < 20; round += 1) {
      for (const [caller, token] of Object.entries(callers)) {
        const answer = await post(gatewayOf().url, query, token);
        expect({ caller, round, ...answer.body }).toEqual({ caller, round, data: { area: { code: '28159', name: expect.any(String) } } });
      }
    }
  });
});

describe('a withheld field left out by @include', () => {
  const query = 'query ($x: Boolean!) { area(code: "80") { code police { complexAreaDesignations @include(if: $x) { id } } } }';

  it('is accepted for a caller who may not read it', async () => {
    const answer = await post(uncached.url, query, callers.frontAnalyst, { x: false });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ area: { code: '80', police: {} } });
    const defaulted = await post(uncached.url, query.replace('$x: Boolean!', '$x: Boolean = false'), callers.frontAnalyst);
    expect(defaulted.body.errors).toBeUndefined();
  });

  it('is still refused when it is included', async () => {
    const answer = await post(uncached.url, query, callers.frontAnalyst, { x: true });
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(answer.body.data ?? null).toBeNull();
  });
});
