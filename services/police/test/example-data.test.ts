import {
  getModelKind,
  toResidentialAreaId,
  validateComplexAreaDesignationInput,
  validateExemplaryCommunePilotInput,
  validateMovementRatingInput,
  validateResidentialAreaInput,
  validateSafetyRecognitionInput,
  validateTransformationResultInput,
  type RecordRef,
} from '@antq/sdk';
import type { AgencyDataset } from '@antq/subgraph-kit';
import { describe, expect, it } from 'vitest';
import { frontDataset } from '@antq/front';
import { veteransDataset } from '@antq/veterans';
import { youthDataset } from '@antq/youth';
import { policeMigrations } from '../src/designations/designation-migrations.js';
import { loadPoliceExampleData, policeDataset, policeDesignations } from '../src/example-data.js';
import { datasetItems, expectOwnedBy, expectReadableIds, expectSeedFigures, expectSources, loadAreas, loadTwice, SEED_AREAS, SEED_FIGURES, type AnyRecord } from '@antq/testing';

const { areas, from } = await loadAreas();
const options = { agency: 'police', areas } as const;

const designationLists = [
  ['complexAreaDesignations', validateComplexAreaDesignationInput],
  ['transformationResults', validateTransformationResultInput],
  ['safetyRecognitions', validateSafetyRecognitionInput],
  ['exemplaryCommunePilots', validateExemplaryCommunePilotInput],
  ['movementRatings', validateMovementRatingInput],
] as const;
const designations: readonly AnyRecord[] = designationLists.flatMap(([list]) => policeDesignations[list] as readonly AnyRecord[]);
const records: readonly AnyRecord[] = [...datasetItems(policeDataset).map(({ item }) => item), ...designations];

const DATASETS: Record<string, AgencyDataset> = { police: policeDataset, front: frontDataset, veterans: veteransDataset, youth: youthDataset };
const byId = <T extends { id: string }>(items: readonly T[], id: string) => items.find((item) => item.id === id);

describe('police example data', () => {
  it(`passes SDK validation as input to the police subgraph, every model, force and figure (areas: ${from})`, () => {
    for (const { item, validate } of datasetItems(policeDataset)) expect(() => validate(item, options), item.id).not.toThrow();
  });

  it(`passes SDK validation, every residential area and designation (areas: ${from})`, () => {
    for (const area of policeDesignations.residentialAreas) expect(() => validateResidentialAreaInput(area, options), area.slug).not.toThrow();
    for (const [list, validate] of designationLists) {
      for (const input of policeDesignations[list]) expect(() => validate(input, options), input.id).not.toThrow();
    }
  });

  it('gives every record a unique, readable id', () => {
    expectReadableIds(
      'police',
      records.map((record) => record.id),
    );
    const areaIds = policeDesignations.residentialAreas.map(toResidentialAreaId);
    expect(new Set(areaIds).size).toBe(areaIds.length);
  });

  it('records everything as the police, with an organisation the police carry', () => {
    expect(policeDataset.agency).toBe('police');
    expectOwnedBy('police', records);
  });

  it('cites its article, with the article’s date, on every record', () => {
    expectSources(records);
  });

  it('uses only the units the articles name, by their codes at the time', () => {
    const codes = [
      ...records.map((record) => (record as { areaCode?: string }).areaCode).filter((code) => code !== undefined),
      ...policeDesignations.residentialAreas.map((area) => area.communeCode),
    ];
    for (const code of codes) expect(Object.keys(SEED_AREAS), code).toContain(code);
  });

  it('points residential areas, results and focus models at records it holds', () => {
    const registered = new Set(policeDesignations.residentialAreas.map(toResidentialAreaId));
    for (const dataset of Object.values(DATASETS)) {
      for (const { item } of datasetItems(dataset)) {
        if (typeof item.residentialAreaId === 'string') expect(registered, item.id).toContain(item.residentialAreaId);
      }
    }
    for (const result of policeDesignations.transformationResults) {
      expect(byId(policeDesignations.complexAreaDesignations, result.designationId), result.id).toBeDefined();
    }
    for (const pilot of policeDesignations.exemplaryCommunePilots) {
      for (const id of pilot.focusModelIds) expect(byId(policeDataset.models ?? [], id)?.areaCode, id).toBe(pilot.areaCode);
    }
  });

  it('links records only to records that exist, of the agency and kind named', () => {
    const links = Object.values(DATASETS).flatMap((dataset) =>
      datasetItems(dataset).flatMap(({ item }) => ((item.linkedRecords ?? []) as RecordRef[]).map((link) => [item.id, link] as const)),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const [source, link] of links) {
      const dataset = DATASETS[link.agency]!;
      const list = link.kind === 'security_model' ? dataset.models : link.kind === 'volunteer_force' ? dataset.forces : undefined;
      expect(byId(list ?? [], link.id), `${source} → ${link.agency}/${link.kind}/${link.id}`).toBeDefined();
    }
  });
});

describe('seed facts held by the police', () => {
  it.each(SEED_FIGURES.map((row) => [row.seed, row.figure, row.agency, row.indicator, row.value, row] as const))(
    '%s: "%s" is a %s observation of %s = %d',
    (_seed, figure, agency, _indicator, _value, row) => {
      const observation = byId(DATASETS[agency]!.observations ?? [], row.id);
      expect(observation, figure).toMatchObject({ indicator: row.indicator, areaCode: row.areaCode, period: row.period, value: row.value });
    },
  );

  it('holds exactly the police rows of the seed figures as its observations', () => {
    expectSeedFigures(policeDataset);
  });

  it('000 Mỹ Lộc: key complex area (ANTT list) in 2017, with Cần Giuộc district', () => {
    expect(policeDesignations.complexAreaDesignations.map(({ areaCode, list, year }) => ({ areaCode, list, year }))).toEqual(
      expect.arrayContaining([
        { areaCode: '28177', list: 'ANTT', year: 2017 },
        { areaCode: '807', list: 'ANTT', year: 2017 },
      ]),
    );
  });

  it('000 Mỹ Lộc: 150 cameras for more than 630 million VND, and 10 million VND per civil-defence team per month', () => {
    const cameras = byId(policeDataset.models ?? [], 'police-model-my-loc-cameras-2017');
    expect(cameras).toMatchObject({ kind: 'security_camera', areaCode: '28177', resources: [{ kind: 'camera', quantity: 150 }] });
    expect(cameras?.funding).toEqual([expect.objectContaining({ amountVnd: 630_000_000, source: 'community', atLeast: true })]);
    const teams = byId(policeDataset.forces ?? [], 'police-force-my-loc-civil-defence-2017');
    expect(teams).toMatchObject({ kind: 'civil_defence_team', units: 5, members: 52 });
    expect(teams?.funding).toEqual([expect.objectContaining({ amountVnd: 10_000_000, recurrence: 'monthly', per: 'team' })]);
  });

  it('001 Tân An: five years of transformation (2012–2017), basically achieved, under Directive 30/CT-UBND and Circular 23/2012/TT-BCA', () => {
    const designation = byId(policeDesignations.complexAreaDesignations, 'police-designation-tan-an-ttatxh-2012');
    expect(designation).toMatchObject({ areaCode: '23235', list: 'TTATXH', year: 2012 });
    for (const reference of ['30/CT-UBND', '2012-08-22', '23/2012/TT-BCA', '2012-04-27']) expect(designation?.note).toContain(reference);
    expect(policeDesignations.transformationResults).toEqual([
      expect.objectContaining({ designationId: designation?.id, year: 2017, sinceYear: 2012, outcome: 'basically_achieved' }),
    ]);
    // The standard and the act that applies it are values of a safety recognition, not only words in a note.
    expect(policeDesignations.safetyRecognitions).toEqual([
      expect.objectContaining({
        areaCode: '23235',
        unitKind: 'commune',
        year: 2017,
        recognised: true,
        standard: expect.stringContaining('23/2012/TT-BCA'),
        implementingAct: expect.stringContaining('30/CT-UBND'),
      }),
    ]);
    expect(policeDesignations.safetyRecognitions[0]).not.toHaveProperty('decisionRef');
  });

  it('002 Long Hậu: 2023 exemplary-commune pilot with 34 criteria and two focus models; rated excellent for 2022', () => {
    const [pilot] = policeDesignations.exemplaryCommunePilots;
    expect(pilot).toMatchObject({ areaCode: '28168', year: 2023, criteriaTotal: 34, decisionRef: '9745/QĐ-BCA-V05' });
    expect(pilot).not.toHaveProperty('criteriaMet');
    const focusKinds = pilot?.focusModelIds.map((id) => byId(policeDataset.models ?? [], id)?.kind);
    expect(focusKinds).toEqual(['security_camera', 'security_fire_safe_residential_area']);
    expect(policeDesignations.movementRatings).toEqual([expect.objectContaining({ areaCode: '28168', year: 2022, rating: 'excellent' })]);
  });

  it('002 Long Hậu: the safe boarding-house club sits in ấp 3, and the veterans’ landlords link to the safe boarding houses', () => {
    expect(byId(policeDataset.models ?? [], 'police-model-long-hau-boarding-house-club-2023')).toMatchObject({
      kind: 'safe_boarding_house_club',
      residentialAreaId: '28168:ap-3',
    });
    expect(byId(veteransDataset.models ?? [], 'veterans-model-long-hau-landlords-2023')?.linkedRecords).toEqual([
      { agency: 'police', kind: 'security_model', id: 'police-model-long-hau-safe-boarding-houses-2023' },
    ]);
  });

  it('002 Long Hậu: police-led, Front, Women’s Union, veterans’ and youth models are each with their owner', () => {
    const longHau = Object.values(DATASETS).flatMap((dataset) => (dataset.models ?? []).filter((model) => model.areaCode === '28168'));
    const owners = (organisation: string) => longHau.filter((model) => model.organisation === organisation).map((model) => model.kind);
    expect(owners('fatherland_front')).toEqual(['residential_area_camera', 'core_force_health_insurance', 'traffic_victim_support']);
    expect(owners('womens_union')).toEqual(['zalo_crime_reporting', 'clean_environment_security_group']);
    expect(owners('veterans_association')).toEqual(['veterans_crime_shock_force', 'offender_reintegration', 'veterans_self_managed_boarding_house']);
    expect(owners('youth_union')).toEqual(['law_awareness_club', 'youth_digital_transformation_club']);
    expect(owners('police')).toHaveLength(11);
    for (const model of longHau) expect(getModelKind(String(model.kind))?.agency, String(model.id)).toBe(model.agency);
  });

  it('003 Nghệ An: Làng Phan of Hưng Tân is registered under its 2023 commune and its model was commended by the Minister', () => {
    expect(policeDesignations.residentialAreas).toContainEqual({ slug: 'lang-phan', communeCode: '18031', name: 'Làng Phan', localKind: 'lang' });
    expect(byId(policeDataset.models ?? [], 'police-model-hung-tan-lang-phan-2023')).toMatchObject({
      kind: 'security_assurance',
      status: 'commended',
      commendations: [expect.objectContaining({ by: 'Bộ trưởng Bộ Công an' })],
    });
  });
});

describe.runIf(from === 'registry')('loading the police example data into a store', () => {
  it('writes every record once, each with its change, and nothing when loaded again', async () => {
    const expected = datasetItems(policeDataset).length + designations.length + policeDesignations.residentialAreas.length;
    expect(await loadTwice(loadPoliceExampleData, policeMigrations)).toEqual({ first: expected, second: 0, changes: expected });
  });
});
