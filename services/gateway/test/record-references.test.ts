import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgencySubgraph } from '@antq/subgraph-kit';
import type { Gateway } from '../src/index.js';
import { post, startTwoAgencyGraph, type Answer, type TwoAgencyGraph } from './two-agency-graph.js';

// A write names only records that exist at their owners (use-record-reference-check.ts); a link
// that points at nothing, written before the check, reads back with an error at the link. The
// residential areas, which the police subgraph's own resolvers register, are tested on the whole
// graph (services/embedded/test/graph.test.ts).

const CREATE_POLICE_MODEL = 'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }';
const UPDATE_POLICE_MODEL = 'mutation ($id: ID!, $input: SecurityModelPatch!) { updatePoliceModel(id: $id, input: $input) { id } }';
const READ_LINKS = `query ($id: ID!) {
  policeModel(id: $id) {
    id
    linkedRecords { __typename ... on FrontModel { id name } ... on FrontForce { id name } ... on PoliceModel { id name } }
  }
}`;
const COUNT_POLICE_MODELS = '{ policeModels(filter: { area: "80" }) { totalCount } }';

type Link = { agency: string; kind: string; id: string };

let graph: TwoAgencyGraph;
let gateway: Gateway;
let police: AgencySubgraph;
let front: AgencySubgraph;
let policeEditor: string;
let frontEditor: string;
let frontModel: { id: string; name: string };
let frontForce: { id: string; name: string };

const modelInput = (linkedRecords: readonly Link[]) => ({ kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}`, linkedRecords });

async function created(answer: Answer, field: string): Promise<string> {
  expect(answer.body.errors).toBeUndefined();
  return (answer.body.data![field] as { id: string }).id;
}

async function policeModelCount(): Promise<number> {
  const answer = await post(gateway.url, COUNT_POLICE_MODELS, policeEditor);
  return (answer.body.data!.policeModels as { totalCount: number }).totalCount;
}

async function linksOf(id: string): Promise<Answer> {
  return post(gateway.url, READ_LINKS, policeEditor, { id });
}

beforeAll(async () => {
  graph = await startTwoAgencyGraph();
  [police, front] = graph.subgraphs as [AgencySubgraph, AgencySubgraph];
  gateway = await graph.gateway({ responseCache: false });
  policeEditor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
  frontEditor = await graph.issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'] });
  const modelName = `Front camera ${randomUUID()}`;
  frontModel = {
    id: await created(
      await post(gateway.url, 'mutation ($input: SecurityModelInput!) { createFrontModel(input: $input) { id } }', frontEditor, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: modelName, organisation: 'FATHERLAND_FRONT' },
      }),
      'createFrontModel',
    ),
    name: modelName,
  };
  const forceName = `Front patrol ${randomUUID()}`;
  frontForce = {
    id: await created(
      await post(gateway.url, 'mutation ($input: VolunteerForceInput!) { createFrontForce(input: $input) { id } }', frontEditor, {
        input: { kind: 'grassroots_security_team', areaCode: '28177', name: forceName, units: 1, organisation: 'FATHERLAND_FRONT' },
      }),
      'createFrontForce',
    ),
    name: forceName,
  };
}, 300_000);

afterAll(async () => {
  await graph?.close();
}, 300_000);

describe('links to other records, when written', () => {
  it('takes links to records their owners hold, and reads them back at their owners', async () => {
    const id = await created(
      await post(gateway.url, CREATE_POLICE_MODEL, policeEditor, {
        input: modelInput([
          { agency: 'FRONT', kind: 'security_model', id: frontModel.id },
          { agency: 'FRONT', kind: 'volunteer_force', id: frontForce.id },
        ]),
      }),
      'createPoliceModel',
    );
    const read = await linksOf(id);
    expect(read.body.errors).toBeUndefined();
    expect((read.body.data!.policeModel as { linkedRecords: unknown[] }).linkedRecords).toEqual([
      { __typename: 'FrontModel', ...frontModel },
      { __typename: 'FrontForce', ...frontForce },
    ]);
  });

  it('refuses a link to a record its owner does not hold, naming each one, and stores nothing', async () => {
    const before = await policeModelCount();
    const answer = await post(gateway.url, CREATE_POLICE_MODEL, policeEditor, {
      input: modelInput([
        { agency: 'FRONT', kind: 'security_model', id: frontModel.id },
        { agency: 'FRONT', kind: 'security_model', id: `front-model-${randomUUID()}` },
        // A force's id named as a model: the front hold no model of that id.
        { agency: 'FRONT', kind: 'security_model', id: frontForce.id },
        { agency: 'POLICE', kind: 'volunteer_force', id: 'police-force-nowhere' },
        // 150 characters outside the Basic Multilingual Plane: a valid id (the SDK counts code points), 300 UTF-16 units long.
        { agency: 'FRONT', kind: 'security_model', id: '𝔸'.repeat(150) },
      ]),
    });
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    const [error] = answer.body.errors!;
    expect(error!.path).toEqual(['createPoliceModel']);
    expect(error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', input: 'security model' });
    expect((error!.extensions!.issues as { path: string; message: string }[]).map((issue) => issue.path)).toEqual([
      'linkedRecords.1',
      'linkedRecords.2',
      'linkedRecords.3',
      'linkedRecords.4',
    ]);
    expect(error!.message).toContain(`front has no security model "${frontForce.id}"`);
    expect(error!.message).toContain('police has no volunteer force "police-force-nowhere"; link a record that exists (look it up with policeForce(id:))');
    expect(await policeModelCount()).toBe(before);
  });

  it('finds the write inside an inline fragment and a named one, and not where @skip leaves it out', async () => {
    const before = await policeModelCount();
    const input = modelInput([{ agency: 'FRONT', kind: 'security_model', id: 'front-model-nowhere' }]);
    const inline = await post(gateway.url, 'mutation ($input: SecurityModelInput!) { ... on Mutation { created: createPoliceModel(input: $input) { id } } }', policeEditor, {
      input,
    });
    expect(inline.body.errors?.[0]).toMatchObject({ path: ['created'], extensions: { code: 'BAD_USER_INPUT', issues: [{ path: 'linkedRecords.0' }] } });
    const named = await post(
      gateway.url,
      'mutation ($input: SecurityModelInput!) { ...Write } fragment Write on Mutation { createPoliceModel(input: $input) { id } }',
      policeEditor,
      {
        input,
      },
    );
    expect(named.body.errors?.[0]).toMatchObject({ path: ['createPoliceModel'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(await policeModelCount()).toBe(before);
    const skipped = await post(
      gateway.url,
      'mutation ($input: SecurityModelInput!, $good: SecurityModelInput!) { bad: createPoliceModel(input: $input) @skip(if: true) { id } good: createPoliceModel(input: $good) { id } }',
      policeEditor,
      { input, good: modelInput([]) },
    );
    expect(skipped.body.errors).toBeUndefined();
    expect(await policeModelCount()).toBe(before + 1);
  });

  it('refuses a patch that links to nothing, and the record keeps its links', async () => {
    const id = await created(
      await post(gateway.url, CREATE_POLICE_MODEL, policeEditor, { input: modelInput([{ agency: 'FRONT', kind: 'security_model', id: frontModel.id }]) }),
      'createPoliceModel',
    );
    const patched = await post(gateway.url, UPDATE_POLICE_MODEL, policeEditor, {
      id,
      input: { linkedRecords: [{ agency: 'FRONT', kind: 'volunteer_force', id: 'front-force-nowhere' }] },
    });
    expect(patched.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'linkedRecords.0' }] });
    const read = await linksOf(id);
    expect((read.body.data!.policeModel as { linkedRecords: unknown[] }).linkedRecords).toEqual([{ __typename: 'FrontModel', ...frontModel }]);
  });

  it('refuses a link to a kind of record the graph cannot answer as a linked record', async () => {
    const answer = await post(gateway.url, CREATE_POLICE_MODEL, policeEditor, { input: modelInput([{ agency: 'FRONT', kind: 'observation', id: frontModel.id }]) });
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'linkedRecords.0.kind' }] });
  });
});

describe('links written before they were checked', () => {
  it('read back with a NOT_FOUND error where a link points at nothing, the others whole', async () => {
    const id = await created(
      await post(gateway.url, CREATE_POLICE_MODEL, policeEditor, { input: modelInput([{ agency: 'FRONT', kind: 'security_model', id: frontModel.id }]) }),
      'createPoliceModel',
    );
    const stored = [
      { agency: 'front', kind: 'security_model', id: frontModel.id },
      { agency: 'front', kind: 'security_model', id: 'front-model-restored-away' },
      { agency: 'front', kind: 'observation', id: 'front-observation-1' },
    ];
    await police.storage.query(`UPDATE security_models SET details = jsonb_set(details, '{linkedRecords}', $2::jsonb) WHERE id = $1`, [id, JSON.stringify(stored)]);
    const read = await linksOf(id);
    const links = (read.body.data!.policeModel as { linkedRecords: { __typename: string; id?: string }[] }).linkedRecords;
    // The observation's link is left out (LinkedRecord has no observations); the missing model is reported.
    expect(links).toHaveLength(2);
    expect(links[0]).toEqual({ __typename: 'FrontModel', ...frontModel });
    expect(read.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('front has no security model "front-model-restored-away"'),
        extensions: expect.objectContaining({ code: 'NOT_FOUND', agency: 'front' }),
      }),
    ]);
  });
});

describe('an owner that does not answer', () => {
  it('leaves a write with links to its records unchecked and unstored, and one without them goes on', async () => {
    const before = await policeModelCount();
    await front.close();
    const answer = await post(gateway.url, CREATE_POLICE_MODEL, policeEditor, { input: modelInput([{ agency: 'FRONT', kind: 'security_model', id: frontModel.id }]) });
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('could not be checked: front did not answer'),
        extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', agency: 'front' },
      }),
    ]);
    expect(await policeModelCount()).toBe(before);
    const own = await post(gateway.url, CREATE_POLICE_MODEL, policeEditor, { input: modelInput([]) });
    expect(own.body.errors).toBeUndefined();
    expect(await policeModelCount()).toBe(before + 1);
  });
});
