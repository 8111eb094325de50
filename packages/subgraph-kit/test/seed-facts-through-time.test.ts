import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIndicator, parsePeriod } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { SEED_FIGURES, postSignedGraphQL, seedObservationDataset, type SeedFigure } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/index.js';
import { loadAgencyDataset } from '../src/records/agency-dataset.js';

/*
 * Every seed figure read back through its agency's Area.<agency>.metric (issue 13): under the unit as the
 * article names it, addressed as it was then (area(code:, on:)); under the units that took it over
 * in 2025; and at its province in both eras (Tỉnh Long An 80 then, Tỉnh Tây Ninh 80 now). Each time
 * the figure says which unit version it was reported under (reportedUnder), and the roll-up which
 * version it is for (target).
 */

interface Figure {
  readonly area: { readonly code: string };
  readonly period: string;
  readonly value: number;
  readonly reportedUnder: { readonly code: string; readonly name: string; readonly validTo: string | null };
}
interface Metric {
  readonly value: number | null;
  readonly target: { readonly code: string; readonly name: string; readonly validTo: string | null };
  readonly contributions: readonly Figure[];
  readonly partial: readonly Figure[];
}
interface Place {
  readonly code: string;
  readonly on?: string;
  readonly how: string;
  /** Where the figure must be: summed, or listed as partial. */
  readonly expect: 'summed' | 'partial';
}

const query = (agency: string) => `query ($code: ID!, $on: Date, $indicator: ID!, $period: String!) {
  area(code: $code, on: $on) { ${agency} { metric(indicator: $indicator, period: $period) {
    value target { code name validTo }
    contributions { area { code } period value reportedUnder { code name validTo } }
    partial { area { code } period value reportedUnder { code name validTo } }
  } } } }`;

const signingKey = randomBytes(32).toString('base64');
let registry: AreaRegistry;
/** Every agency that owns seed figures, with its subgraph. */
const AGENCIES_WITH_FIGURES = [...new Set(SEED_FIGURES.map((fact) => fact.agency))];
const subgraphs = new Map<string, AgencySubgraph>();

beforeAll(async () => {
  registry = await loadAreaRegistry();
  for (const agency of AGENCIES_WITH_FIGURES) {
    const subgraph = await createAgencySubgraph({ agency }, { signingKey, registry, logLevel: 'silent' });
    subgraphs.set(agency, subgraph);
    // The agency's seed figures, as its example data holds them (its example-data test checks they are the same).
    await loadAgencyDataset(subgraph.storage, registry, seedObservationDataset(agency));
  }
}, 120_000);
afterAll(async () => Promise.all([...subgraphs.values()].map((subgraph) => subgraph.close())));

/** The figure's owner's roll-up at a place: what `Area.<agency>.metric` answers there. */
async function metricAt(place: Place, fact: SeedFigure): Promise<Metric> {
  const response = await postSignedGraphQL<{ area: Record<string, { metric: Metric }> }>(subgraphs.get(fact.agency)!.url, {
    query: query(fact.agency),
    variables: { code: place.code, on: place.on ?? null, indicator: fact.indicator, period: fact.period },
    signingKey,
    audience: fact.agency,
    caller: { agency: fact.agency, clearance: 'shared' },
  });
  expect(response.errors, `${fact.id} ${place.how}: ${JSON.stringify(response.errors)}`).toBeUndefined();
  return response.data!.area[fact.agency]!.metric;
}

/** The places a figure is read at: the unit as it was, its successors (not for a district: its figures go to the province), its province then and now. */
function placesOf(fact: SeedFigure): Place[] {
  const on = parsePeriod(fact.period).start;
  const unit = registry.get(fact.areaCode, { on })!;
  const places: Place[] = [{ code: fact.areaCode, on, how: `under ${unit.fullName} as it was`, expect: 'summed' }];
  if (!getIndicator(fact.indicator)!.summableOverAreas) return places;
  if (unit.level !== 'district') {
    for (const successor of registry.currentOf(fact.areaCode, { on })) {
      places.push({ code: successor.code, how: `under its successor ${registry.get(successor.code)!.fullName}`, expect: successor.relation === 'full' ? 'summed' : 'partial' });
    }
  }
  const province = unit.level === 'province' ? unit : registry.ancestors(fact.areaCode, { on }).find((each) => each.level === 'province')!;
  if (province.code !== fact.areaCode) places.push({ code: province.code, on, how: `at its province then, ${province.fullName}`, expect: 'summed' });
  for (const now of registry.currentOf(province.code, { on })) places.push({ code: now.code, how: `at its province now, ${registry.get(now.code)!.fullName}`, expect: 'summed' });
  return places;
}

describe('every seed figure read back through its agency’s metric roll-up, through time', () => {
  const facts = SEED_FIGURES;

  it.each(facts.map((fact) => [fact.id, fact] as const))('%s', async (_id, fact) => {
    const on = parsePeriod(fact.period).start;
    const version = registry.get(fact.areaCode, { on })!;
    const reportedUnder = { code: fact.areaCode, name: version.name, validTo: version.validTo ?? null };
    const ancestors = new Set(registry.ancestors(fact.areaCode, { on }).map((unit) => unit.code));
    for (const place of placesOf(fact)) {
      const metric = await metricAt(place, fact);
      const how = `${fact.id} ${place.how}`;
      // The roll-up says which version it is for: the one of that date, or the current unit.
      const target = registry.get(place.code, place.on ? { on: place.on } : {})!;
      expect(metric.target, how).toEqual({ code: place.code, name: target.name, validTo: target.validTo ?? null });
      const figure = { area: { code: fact.areaCode }, period: fact.period, value: fact.value, reportedUnder };
      if (place.expect === 'partial') {
        expect(metric.partial, how).toContainEqual(figure);
        continue;
      }
      // Summed — or already counted in a figure of a unit above it (Lâm Hà's 436 cameras hold Đinh Văn's 118).
      const coveredBy = metric.contributions.filter((each) => ancestors.has(each.area.code) && each.period === fact.period);
      if (coveredBy.length === 0) expect(metric.contributions, how).toContainEqual(figure);
      expect(metric.value, how).toBe(metric.contributions.reduce((sum, each) => sum + each.value, 0));
    }
  });

  it('answers for Tỉnh Long An as it was in 2024 and for Huyện Lâm Hà, which ended on 2025-07-01', async () => {
    const cameras = facts.find((fact) => fact.id === 'police-obs-lam-ha-cameras-2023')!;
    const lamHa = await metricAt({ code: '676', how: 'Lâm Hà, no date', expect: 'summed' }, cameras);
    expect(lamHa.target).toEqual({ code: '676', name: 'Lâm Hà', validTo: '2025-07-01' });
    // Its own 436 cameras; Đinh Văn's 118 are among them.
    expect(lamHa.value).toBe(cameras.value);
    const myLoc = facts.find((fact) => fact.id === 'police-obs-my-loc-cameras-2017')!;
    const longAn = await metricAt({ code: '80', on: '2024-06-01', how: 'Long An in 2024', expect: 'summed' }, myLoc);
    expect(longAn.target).toEqual({ code: '80', name: 'Long An', validTo: '2025-07-01' });
    expect(longAn.contributions).toEqual([
      { area: { code: '28177' }, period: '2017', value: myLoc.value, reportedUnder: { code: '28177', name: 'Mỹ Lộc', validTo: '2025-07-01' } },
    ]);
  });
});
