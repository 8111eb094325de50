import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedGraphQL, type GraphQLResponse } from '@antq/testing';
import type { AgencySubgraph } from '@antq/subgraph-kit';
import { createPoliceSubgraph } from '../src/index.js';
import { policeDataset, policeDesignations } from '../src/example-data.js';

/*
 * Đọc lại dữ liệu mẫu — the seed facts read back through the police subgraph as the gateway asks
 * for them (signed requests), for the bugs an analyst found doing so (issue 13).
 */

const signingKey = randomBytes(32).toString('base64');
const analyst = { agency: 'police', clearance: 'shared' } as const;
let subgraph: AgencySubgraph;

beforeAll(async () => {
  subgraph = await createPoliceSubgraph({ port: 0, signingKey, exampleData: true, logLevel: 'silent' });
}, 120_000);
afterAll(async () => subgraph?.close());

function ask<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  return postSignedGraphQL<T>(subgraph.url, { query, ...(variables ? { variables } : {}), signingKey, audience: 'police', caller: analyst });
}

/** The seed observation with this id (the figure the articles give). */
function seedFigure(id: string): { areaCode: string; period: string; value: number; indicator: string } {
  const found = (policeDataset.observations ?? []).find((each) => each.id === id);
  if (!found) throw new Error(`no seed observation ${id}`);
  return found as unknown as { areaCode: string; period: string; value: number; indicator: string };
}

describe('seed facts read back from the police subgraph', () => {
  it('gives the residential area of a model in full, not only its id (Làng Phan of Hưng Tân, seed 003)', async () => {
    const area = policeDesignations.residentialAreas.find((each) => each.slug === 'lang-phan')!;
    const response = await ask<{ policeModel: { residentialArea: Record<string, unknown> } }>(
      '{ policeModel(id: "police-model-hung-tan-lang-phan-2023") { residentialArea { id name localKind commune { code } } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.policeModel.residentialArea).toEqual({
      id: `${area.communeCode}:${area.slug}`,
      name: area.name,
      localKind: area.localKind,
      commune: { code: area.communeCode },
    });
  });

  it('resolves a residential area other subgraphs refer to by id (the gateway asks for it as an entity)', async () => {
    const area = policeDesignations.residentialAreas[Math.floor(Math.random() * policeDesignations.residentialAreas.length)]!;
    const response = await ask<{ _entities: unknown[] }>('query ($r: [_Any!]!) { _entities(representations: $r) { ... on ResidentialArea { id name commune { code } } } }', {
      r: [{ __typename: 'ResidentialArea', id: `${area.communeCode}:${area.slug}` }],
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities).toEqual([{ id: `${area.communeCode}:${area.slug}`, name: area.name, commune: { code: area.communeCode } }]);
  });

  it('gives no comparison where the previous period has no figure (Mỹ Lộc cameras, 2017 against 2016)', async () => {
    const cameras = seedFigure('police-obs-my-loc-cameras-2017');
    const response = await ask<{ area: { police: { metric: Record<string, unknown> } } }>(
      `{ area(code: "${cameras.areaCode}") { police { metric(indicator: "${cameras.indicator}", period: "${cameras.period}") {
          value comparison { previousPeriod current previous change changePercent direction text } } } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.area.police.metric).toEqual({
      value: cameras.value,
      comparison: {
        previousPeriod: '2016',
        current: cameras.value,
        previous: null,
        change: null,
        changePercent: null,
        direction: null,
        text: `${cameras.value} (no figure for 2016)`,
      },
    });
  });

  it('answers a non-summable indicator where no sum is needed (Nghệ An 40: 32 model types in 2023)', async () => {
    const types = seedFigure('police-obs-nghe-an-model-types-2023');
    const response = await ask<{ area: { police: { metric: { value: number } } } }>(
      `{ area(code: "${types.areaCode}") { police { metric(indicator: "${types.indicator}", period: "${types.period}") { value } } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.area.police.metric.value).toBe(types.value);
  });

  it('says the Hưng Tân → Thông Tân step of 2025-01-01 is unconfirmed rather than leaving a bare null resolution', async () => {
    const response = await ask<{ hungTan: Record<string, unknown>; longHau: { successors: { confirmed: boolean; resolution: string | null }[] } }>(`{
      hungTan: area(code: "18031") { successors { area { code } effectiveOn resolution confirmed } currentUnits { confirmed } }
      longHau: area(code: "28168") { successors { resolution confirmed } }
    }`);
    expect(response.errors).toBeUndefined();
    expect(response.data!.hungTan).toEqual({
      successors: [{ area: { code: '18028' }, effectiveOn: '2025-01-01', resolution: null, confirmed: false }],
      currentUnits: [{ confirmed: false }],
    });
    expect(response.data!.longHau.successors.length).toBeGreaterThan(0);
    for (const link of response.data!.longHau.successors) expect(link).toEqual({ resolution: expect.stringMatching(/NQ-UBTVQH15$/), confirmed: true });
  });

  it('answers Tân An’s safety recognition as values: standard Circular 23/2012/TT-BCA, applied by Directive 30/CT-UBND (seed 001)', async () => {
    const response = await ask<{ area: { police: { safetyRecognitions: unknown[] } } }>(
      '{ area(code: "23235") { police { safetyRecognitions { area { code } unitKind year recognised standard implementingAct decisionRef } } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.area.police.safetyRecognitions).toEqual([
      {
        area: { code: '23235' },
        unitKind: 'COMMUNE',
        year: 2017,
        recognised: true,
        standard: expect.stringContaining('23/2012/TT-BCA'),
        implementingAct: expect.stringContaining('30/CT-UBND'),
        decisionRef: null,
      },
    ]);
  });
});
