/*
 * The seed facts, end to end: every figure of the five source articles (SEED_FIGURES of @antq/testing)
 * and every model, force and designation of the four agencies' example datasets, read through the
 * gateway by an analyst of the owning agency — under the unit the article names and under the
 * unit that took it over in the 2025 reform — and the links between records, resolved across
 * agencies. Expected values come only from the seed table and the example datasets; successor
 * units come from the national register (@antq/sdk/areas).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, SEED_AREAS, SEED_DATES, SEED_FIGURES, type GraphQLResponse, type SeedFigure } from '@antq/testing';
import { toResidentialAreaId, type Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import type { AgencyDataset } from '@antq/subgraph-kit';
import { frontDataset } from '@antq/front';
import { policeDataset, policeDesignations } from '@antq/police';
import { veteransDataset } from '@antq/veterans';
import { youthDataset } from '@antq/youth';
import { DEVELOPMENT_TOKENS, startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';

// --- What the datasets say -----------------------------------------------------------------------

const DATASETS: readonly AgencyDataset[] = [policeDataset, frontDataset, veteransDataset, youthDataset];

/** A model or force as the example datasets write it. */
interface DatasetRecord {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly areaCode: string;
  readonly sources?: readonly { readonly date?: string }[];
  readonly linkedRecords?: readonly { readonly agency: Agency; readonly kind: string; readonly id: string }[];
}
type RecordKind = 'model' | 'force';

const records: { agency: Agency; recordKind: RecordKind; record: DatasetRecord }[] = DATASETS.flatMap((dataset) => [
  ...(dataset.models ?? []).map((record) => ({ agency: dataset.agency, recordKind: 'model' as const, record: record as unknown as DatasetRecord })),
  ...(dataset.forces ?? []).map((record) => ({ agency: dataset.agency, recordKind: 'force' as const, record: record as unknown as DatasetRecord })),
]);

/** The date a record cites (the article's), so that its area code is read in the register of then. */
const citedDate = (sources: readonly { readonly date?: string }[] | undefined): string | undefined => sources?.find((source) => source.date)?.date;

// --- Where the graph should find it -------------------------------------------------------------

const registry = await loadAreaRegistry();

/**
 * The current units an article's unit is read under now: the units it went into, or — for a
 * district, a level the 2025 reform abolished — what the nearest unit above it went into (its
 * province). A district's communes went into several new communes, each taking part of it, so the
 * district's own figures are read in full only at the province.
 */
function successorsOf(code: string, on: string | undefined): { code: string; via?: string }[] {
  const options = on ? { on } : {};
  for (const candidate of [code, ...registry.ancestors(code, options).map((unit) => unit.code)]) {
    if (registry.get(candidate, options)?.level === 'district') continue;
    const current = registry.currentOf(candidate, options);
    if (current.length > 0) return current.map((unit) => (candidate === code ? { code: unit.code } : { code: unit.code, via: candidate }));
  }
  throw new Error(`The register gives no current unit for ${code} or any unit above it.`);
}

const unitName = (code: string, on?: string): string => registry.get(code, on ? { on } : {})?.fullName ?? code;

/**
 * One read per area a fact or record should be found under: the unit as it was when the article
 * wrote (addressed with `on`, as Phường Tân An 23235 of 2017 is, whose code Phường La Gi took),
 * its 2025 successors, and its province in both eras (Tỉnh Long An 80 then, Tỉnh Tây Ninh 80 now).
 */
interface Place {
  readonly code: string;
  readonly on?: string;
  readonly how: string;
}
function placesOf(code: string, on: string | undefined): Place[] {
  const written = SEED_AREAS[code as keyof typeof SEED_AREAS] ?? unitName(code, on);
  const successors = successorsOf(code, on);
  const provinceThen =
    registry.get(code, on ? { on } : {})?.level === 'province' ? undefined : registry.ancestors(code, on ? { on } : {}).find((unit) => unit.level === 'province');
  const provincesNow = new Set(successors.map(({ code: successor }) => registry.ancestors(successor).find((unit) => unit.level === 'province')?.code ?? successor));
  return [
    { code, ...(on ? { on } : {}), how: `under ${code} (${written}, as the article names it${on ? `, on ${on}` : ''})` },
    ...successors.map(({ code: successor, via }) => ({
      code: successor,
      how: via
        ? `under ${successor} (${unitName(successor)}), the 2025 successor of ${via} (${unitName(via, on)}): the reform abolished the district level`
        : `under its 2025 successor ${successor} (${unitName(successor)})`,
    })),
    ...(provinceThen && on ? [{ code: provinceThen.code, on, how: `at its province then, ${provinceThen.code} (${provinceThen.fullName}, on ${on})` }] : []),
    ...[...provincesNow]
      .filter((province) => !successors.some(({ code: successor }) => successor === province))
      .map((province) => ({ code: province, how: `at its province now, ${province} (${unitName(province)})` })),
  ];
}

// --- The graph ----------------------------------------------------------------------------------

/** Table rows as [test name, case], so that '%s' prints the whole name ('$name' would shorten it). */
const named = <T extends { readonly name: string }>(cases: readonly T[]): (readonly [string, T])[] => cases.map((entry) => [entry.name, entry] as const);

const typeName = (agency: Agency, recordKind: RecordKind) => `${agency[0]!.toUpperCase()}${agency.slice(1)}${recordKind === 'model' ? 'Model' : 'Force'}`;
const AGENCIES: readonly Agency[] = ['police', 'front', 'veterans', 'youth'];

describe('the seed facts through the gateway', () => {
  let graph: EmbeddedGraph;
  let dataDir: string;
  /** An analyst of each agency, national jurisdiction (the development token `npm start` prints), cleared for restricted data. */
  const analysts = {} as Record<Agency, string>;

  const ask = async <T>(query: string, agency: Agency, variables: Record<string, unknown>): Promise<T> => {
    const response: GraphQLResponse<T> = await postGraphQL<T>(graph.gateway.url, { query, variables }, { headers: { authorization: `Bearer ${analysts[agency]}` } });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-seed-facts-'));
    graph = await startEmbeddedGraph({ dataDir, port: 0 });
    for (const agency of AGENCIES) {
      const token = DEVELOPMENT_TOKENS.find(({ claims }) => claims.agency === agency && claims.roles?.includes('analyst') && claims.jurisdiction === 'VN');
      if (!token) throw new Error(`No national analyst among the development tokens for ${agency}.`);
      // With restricted clearance: the owner reads its own restricted records (designations, …) too.
      analysts[agency] = await graph.issuer.mint({ ...token.claims, clearance: 'restricted' });
    }
  }, 120_000);

  afterAll(async () => {
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('every figure of the articles, as the owning agency reported it', () => {
    const cases = SEED_FIGURES.flatMap((fact) =>
      placesOf(fact.areaCode, SEED_DATES[fact.seed]).map((place) => ({ name: `${fact.id}: “${fact.figure}” = ${fact.value} ${place.how}`, fact, place })),
    );

    it.each(named(cases))('%s', async (_name, { fact, place }: { fact: SeedFigure; place: Place }) => {
      const data = await ask<{ area: { view: { observations: { nodes: ObservationNode[]; pageInfo: { hasNextPage: boolean } } } } }>(
        `query ($code: ID!, $on: Date, $indicator: ID!, $period: String!) {
          area(code: $code, on: $on) { view: ${fact.agency} {
            observations(filter: { indicators: [$indicator], period: $period }, first: 200) {
              pageInfo { hasNextPage } nodes { id agency value atLeast approximate period indicator { code } area { code } }
            } } } }`,
        fact.agency,
        { code: place.code, on: place.on ?? null, indicator: fact.indicator, period: fact.period },
      );
      const { nodes, pageInfo } = data.area.view.observations;
      expect(pageInfo.hasNextPage).toBe(false);
      expect(nodes.filter((node) => node.id === fact.id)).toEqual([
        {
          id: fact.id,
          agency: fact.agency.toUpperCase(),
          value: fact.value,
          atLeast: fact.atLeast ?? false,
          approximate: fact.approximate ?? false,
          period: fact.period,
          indicator: { code: fact.indicator },
          area: { code: fact.areaCode },
        },
      ]);
    });
  });

  describe('every model and force of the example datasets, listed under its area', () => {
    const cases = records.flatMap(({ agency, recordKind, record }) =>
      placesOf(record.areaCode, citedDate(record.sources)).map((place) => ({ name: `${record.id} (${agency} ${recordKind}) ${place.how}`, agency, recordKind, record, place })),
    );

    it.each(named(cases))('%s', async (_name, { agency, recordKind, record, place }) => {
      const list = recordKind === 'model' ? 'models' : 'forces';
      const data = await ask<{ area: { view: Record<string, { nodes: { id: string; name: string; area: { code: string } }[]; pageInfo: { hasNextPage: boolean } }> } }>(
        `query ($code: ID!, $on: Date, $kind: ID!) {
          area(code: $code, on: $on) { view: ${agency} {
            ${list}(filter: { kinds: [$kind] }, first: 200) { pageInfo { hasNextPage } nodes { id name area { code } } }
          } } }`,
        agency,
        { code: place.code, on: place.on ?? null, kind: record.kind },
      );
      const { nodes, pageInfo } = data.area.view[list]!;
      expect(pageInfo.hasNextPage).toBe(false);
      expect(nodes.filter((node) => node.id === record.id)).toEqual([{ id: record.id, name: record.name, area: { code: record.areaCode } }]);
    });
  });

  describe('every police designation and residential area of the example dataset, listed under its area', () => {
    designationsAndResidentialAreasAreListed(ask);
  });

  describe('a linked record resolves through the gateway to the other record, whichever agency owns it', () => {
    linkedRecordsResolve(ask);
  });
});

interface ObservationNode {
  readonly id: string;
  readonly agency: string;
  readonly value: number;
  readonly atLeast: boolean;
  readonly approximate: boolean;
  readonly period: string;
  readonly indicator: { readonly code: string };
  readonly area: { readonly code: string };
}

// Linked records, each asked as the analyst of the agency that links.
function linkedRecordsResolve(ask: SeedAsk): void {
  const byRef = new Map(records.map((entry) => [`${entry.agency}:${entry.recordKind}:${entry.record.id}`, entry]));
  const refKind = (kind: string): RecordKind => (kind === 'security_model' ? 'model' : 'force');
  const links = records.flatMap(({ agency, recordKind, record }) =>
    (record.linkedRecords ?? []).map((ref) => {
      const target = byRef.get(`${ref.agency}:${refKind(ref.kind)}:${ref.id}`);
      if (!target) throw new Error(`${record.id} links ${ref.agency} ${ref.kind} ${ref.id}, which no example dataset holds.`);
      const across = ref.agency === agency ? 'same agency' : `${agency} → ${ref.agency}`;
      return { name: `${record.id} → ${ref.id} (${across})`, agency, recordKind, record, target };
    }),
  );

  it('the example data links records of different agencies', () => {
    expect(links.some((link) => link.agency !== link.target.agency)).toBe(true);
  });

  const MEMBERS = AGENCIES.flatMap((agency) => (['model', 'force'] as const).map((kind) => typeName(agency, kind)));
  const resolvesLink = async (_name: string, { agency, recordKind, record, target }: (typeof links)[number]) => {
    const field = `${agency}${recordKind === 'model' ? 'Model' : 'Force'}`;
    const data = await ask<{ record: { id: string; linkedRecords: { __typename: string; id: string; name: string; agency: string; area: { code: string } }[] } | null }>(
      `query ($id: ID!) { record: ${field}(id: $id) { id linkedRecords { __typename
        ${MEMBERS.map((member) => `... on ${member} { id name agency area { code } }`).join('\n          ')}
      } } }`,
      agency,
      { id: record.id },
    );
    expect(data.record?.id).toBe(record.id);
    expect(data.record!.linkedRecords.filter((linked) => linked.id === target.record.id)).toEqual([
      {
        __typename: typeName(target.agency, target.recordKind),
        id: target.record.id,
        name: target.record.name,
        agency: target.agency.toUpperCase(),
        area: { code: target.record.areaCode },
      },
    ]);
  };

  // The gateway fetches a record of another agency from that agency's subgraph: the veterans'
  // landlords → the police's safe boarding houses, the Front's cameras → the police's cameras, …
  it.each(named(links.filter((link) => link.agency !== link.target.agency)))('%s', resolvesLink);

  // A record of the same agency is resolved inside its own subgraph.
  it.each(named(links.filter((link) => link.agency === link.target.agency)))('%s', resolvesLink);
}

// Police designations and residential areas of the example dataset.
function designationsAndResidentialAreasAreListed(ask: SeedAsk): void {
  const designationArea = new Map<string, string>(policeDesignations.complexAreaDesignations.map((designation) => [designation.id, designation.areaCode]));
  type DesignationList = 'complexAreaDesignations' | 'safetyRecognitions' | 'exemplaryCommunePilots' | 'movementRatings';
  const designations: { list: DesignationList; id: string; year: number; areaCode: string; date: string | undefined; resultOf?: string }[] = [
    ...policeDesignations.complexAreaDesignations.map((item) => ({
      list: 'complexAreaDesignations' as const,
      id: item.id,
      year: item.year,
      areaCode: item.areaCode,
      date: citedDate(item.sources),
    })),
    // A transformation result is listed with its designation, under the designation's area.
    ...policeDesignations.transformationResults.map((item) => ({
      list: 'complexAreaDesignations' as const,
      id: item.id,
      year: item.year,
      areaCode: designationArea.get(item.designationId)!,
      date: citedDate(item.sources),
      resultOf: item.designationId,
    })),
    ...(policeDesignations.safetyRecognitions as unknown as readonly { id: string; year: number; areaCode: string; sources?: { date?: string }[] }[]).map((item) => ({
      list: 'safetyRecognitions' as const,
      id: item.id,
      year: item.year,
      areaCode: item.areaCode,
      date: citedDate(item.sources),
    })),
    ...policeDesignations.exemplaryCommunePilots.map((item) => ({
      list: 'exemplaryCommunePilots' as const,
      id: item.id,
      year: item.year,
      areaCode: item.areaCode,
      date: citedDate(item.sources),
    })),
    ...policeDesignations.movementRatings.map((item) => ({
      list: 'movementRatings' as const,
      id: item.id,
      year: item.year,
      areaCode: item.areaCode,
      date: citedDate(item.sources),
    })),
  ];
  const cases = designations.flatMap((designation) =>
    placesOf(designation.areaCode, designation.date).map((place) => ({
      name: `${designation.id} (${designation.resultOf ? 'transformationResult' : designation.list}) ${place.how}`,
      designation,
      place,
    })),
  );

  it.each(named(cases))('%s', async (_name, { designation, place }) => {
    const results = designation.list === 'complexAreaDesignations' ? 'results { id year }' : '';
    const data = await ask<{ area: { police: Record<DesignationList, { id: string; year: number; area: { code: string }; results?: { id: string; year: number }[] }[]> } }>(
      `query ($code: ID!, $on: Date) { area(code: $code, on: $on) { police { ${designation.list} { id year area { code } ${results} } } } }`,
      'police',
      { code: place.code, on: place.on ?? null },
    );
    const listed = data.area.police[designation.list];
    if (designation.resultOf) {
      const parent = listed.filter((item) => item.id === designation.resultOf);
      expect(parent).toHaveLength(1);
      expect(parent[0]!.results).toContainEqual({ id: designation.id, year: designation.year });
    } else {
      expect(listed.filter((item) => item.id === designation.id)).toMatchObject([{ id: designation.id, year: designation.year, area: { code: designation.areaCode } }]);
    }
  });

  const residentialCases = policeDesignations.residentialAreas.flatMap((input) =>
    placesOf(input.communeCode, undefined).map((place) => ({ name: `residential area ${toResidentialAreaId(input)} (${input.name}) ${place.how}`, input, place })),
  );

  it.each(named(residentialCases))('%s', async (_name, { input, place }) => {
    const data = await ask<{ area: { police: { residentialAreas: { id: string; name: string; localKind: string; commune: { code: string } }[] } } }>(
      'query ($code: ID!) { area(code: $code) { police { residentialAreas { id name localKind commune { code } } } } }',
      'police',
      { code: place.code },
    );
    const id = toResidentialAreaId(input);
    expect(data.area.police.residentialAreas.filter((area) => area.id === id)).toEqual([
      { id, name: input.name, localKind: input.localKind, commune: { code: input.communeCode } },
    ]);
  });
}

/** Asks the gateway as the national analyst of an agency (see the describe above). */
type SeedAsk = <T>(query: string, agency: Agency, variables: Record<string, unknown>) => Promise<T>;
