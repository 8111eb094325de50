import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AntqError, parsePeriod } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { countingStorage, postSignedGraphQL, seedObservationDataset, storageDrivers } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/agency-subgraph.js';
import { outboxMigrations } from '../src/outbox/index.js';
import { loadAgencyDataset } from '../src/records/agency-dataset.js';
import { createAreaScopes, type AreaScopes } from '../src/records/area-scope.js';
import { rollUpMetrics, type MetricPath, type MetricRequest, type MetricRollUp, type MetricRollUpOptions } from '../src/records/metric-roll-up.js';
import { agencyRecordMigrations } from '../src/records/record-migrations.js';
import { runMigrations, type Storage } from '../src/storage/index.js';
import { generateDataset, SHAPES, storeDataset } from './fixtures/roll-up-dataset.js';

/*
 * The summed roll-up (observationStore.rollUpSummary + rollUpGroups) must answer exactly as the
 * row-by-row one (rollUpObservations over every row): same value, comparison and partial list,
 * or the same error. Checked on generated data with the shapes that could make grouping change
 * the outcome, and on the example data, on PGlite and on PostgreSQL.
 */

let registry: AreaRegistry;
let scopes: AreaScopes;
beforeAll(async () => {
  registry = await loadAreaRegistry();
  scopes = createAreaScopes(registry);
});

const options = (): MetricRollUpOptions => ({ agency: 'police', registry, scopeOf: scopes.scopeOf });

/** Answers in a comparable form: errors by code and message. */
function comparable(answers: readonly unknown[]) {
  return answers.map((answer) => (answer instanceof Error ? { error: answer.message, code: answer instanceof AntqError ? answer.code : undefined } : answer));
}

/** Both ways over the same requests; the answers must agree. Returns how each was answered. */
async function bothWays(store: Storage, requests: readonly MetricRequest[]): Promise<MetricPath[]> {
  const summed = await rollUpMetrics(store, options(), requests);
  const rows = await rollUpMetrics(store, { ...options(), rowsOnly: true }, requests);
  const expected = comparable(rows.answers);
  comparable(summed.answers).forEach((answer, index) => {
    expect(answer, `${JSON.stringify(requests[index])} (${summed.paths[index]})`).toEqual(expected[index]);
  });
  return summed.paths;
}

/** Targets: the province; communes with parts of split communes; a commune that took in older ones; units of no current register. */
const TARGETS = ['80', '25459', '25480', '25510', '25498', '28159', '27694', '00376', '807', '72'];
const PERIODS = ['2025', '2024', '2025-Q1', '2024-Q4', '2025-02', '2025-07', '2025-08', '2025-09', '2024-12-15/2025-01-14', '2025-01-01/2025-06-30'];

const drivers = storageDrivers.filter((driver) => driver.name !== 'pglite (folder)');

for (const driver of drivers) {
  describe(`metric roll-up on ${driver.name}`, () => {
    let store: Storage;
    beforeAll(async () => {
      store = await driver.open();
      await runMigrations(store, [...outboxMigrations, ...agencyRecordMigrations]);
      await storeDataset(store, generateDataset(registry, scopes.scopeOf('80')));
    }, 120_000);
    afterAll(async () => {
      if (store) await driver.close(store);
    });

    it('answers every target, indicator and period of the generated data as row by row does', async () => {
      const paths = new Map<string, MetricPath>();
      for (const target of TARGETS) {
        const requests = Object.keys(SHAPES).flatMap((indicator) => PERIODS.map((period) => ({ target, indicator, period })));
        (await bothWays(store, requests)).forEach((path, index) => paths.set(JSON.stringify(requests[index]), path));
      }
      const path = (target: string, indicator: keyof typeof SHAPES, period: string) => paths.get(JSON.stringify({ target, indicator, period }));

      // Plain data is summed, for the province and for communes, across the 2025 lineage.
      for (const target of ['80', '25459', '28159']) {
        for (const period of ['2025', '2024', '2025-Q1', '2025-07']) {
          expect(path(target, 'criminal_offences', period), `${target} ${period}`).toBe('summed');
          expect(path(target, 'rewards_vnd', period), `${target} ${period}`).toBe('summed');
        }
        expect(path(target, 'cameras_installed', '2025-02')).toBe('summed');
      }
      // A stock over a year: every figure would need a sum over periods, which only the rows can name.
      expect(path('80', 'cameras_installed', '2025')).toBe('rows');
      // Each shape that could change the outcome goes row by row.
      for (const indicator of [
        'motorbike_thefts',
        'snatch_thefts',
        'serious_criminal_cases',
        'fights_prevented',
        'guns_recovered',
        'youth_groups_dispersed',
        'crime_tips_received',
        'community_funding_vnd',
        'safe_residential_areas_percent',
      ] as const) {
        expect(path('80', indicator, '2025'), indicator).toBe('rows');
      }
      // … but only where it is: straddling ranges lie in no quarter, so a quarter sums.
      expect(path('80', 'youth_groups_dispersed', '2025-Q1')).toBe('summed');
      // The target's own figures of an indicator summable neither way are taken as they are.
      expect(path('80', 'residential_group_camera_coverage', '2025-09')).toBe('summed');
      expect(path('80', 'model_types_in_use', '2025-09')).toBe('summed');
      // Yearly figures of communes next to the province's months: two levels of one register.
      expect(path('80', 'model_types_in_use', '2025')).toBe('rows');
      const counts = [...paths.values()].reduce<Record<string, number>>((tally, each) => ({ ...tally, [each]: (tally[each] ?? 0) + 1 }), {});
      expect(counts.summed).toBeGreaterThan(counts.rows!);
    }, 120_000);

    it('answers a batch of many targets in one call as one by one', async () => {
      const requests = TARGETS.flatMap((target) =>
        ['criminal_offences', 'cameras_installed', 'motorbike_thefts', 'residential_group_camera_coverage'].map((indicator, index) => ({
          target,
          indicator,
          period: PERIODS[(index + target.length) % PERIODS.length]!,
        })),
      );
      const alone = await Promise.all(requests.map(async (request) => comparable((await rollUpMetrics(store, options(), [request])).answers)[0]));
      expect(comparable((await rollUpMetrics(store, options(), requests)).answers)).toEqual(alone);
      await bothWays(store, requests);
    }, 60_000);

    it('lists partial figures of split communes in the order of the rows', async () => {
      const requests = ['25459', '25480', '25510'].map((target) => ({ target, indicator: 'criminal_offences', period: '2025' }));
      const { answers, paths } = await rollUpMetrics(store, options(), requests);
      expect(paths).toEqual(['summed', 'summed', 'summed']);
      for (const answer of answers) {
        expect(answer).not.toBeInstanceOf(Error);
        expect((answer as MetricRollUp).partial.length).toBeGreaterThan(0);
      }
      await bothWays(store, requests);
    });

    it('reads the store once per target, and only a few dozen groups for a province', async () => {
      const counting = countingStorage(store);
      const requests = ['criminal_offences', 'rewards_vnd', 'cameras_installed'].map((indicator) => ({
        target: '80',
        indicator,
        period: indicator === 'cameras_installed' ? '2025-07' : '2025',
      }));
      const { paths } = await rollUpMetrics(counting, options(), requests);
      expect(paths).toEqual(['summed', 'summed', 'summed']);
      expect(counting.count()).toBe(1);
    });

    it('reads the rows when the contributions are asked for, and gives the same value', async () => {
      const request = { target: '80', indicator: 'criminal_offences', period: '2025' };
      const summed = await rollUpMetrics(store, options(), [request]);
      const listed = await rollUpMetrics(store, options(), [{ ...request, contributions: true }]);
      expect(listed.paths).toEqual(['rows']);
      const { contributions, ...rest } = listed.answers[0] as MetricRollUp;
      expect(rest).toEqual(summed.answers[0]);
      expect(contributions!.reduce((sum, each) => sum + each.value, 0)).toBe((summed.answers[0] as MetricRollUp).value);
    });
  });
}

describe('metric roll-up of the example data', () => {
  let store: Storage;
  const policeDataset = seedObservationDataset('police');
  const frontDataset = seedObservationDataset('front');
  beforeAll(async () => {
    store = await storageDrivers[0]!.open();
    await runMigrations(store, [...outboxMigrations, ...agencyRecordMigrations]);
    // The police's and the Front's example observations: the seed figures of the articles.
    await loadAgencyDataset(store, registry, policeDataset);
    await loadAgencyDataset(store, registry, frontDataset);
  }, 60_000);
  afterAll(async () => store && storageDrivers[0]!.close(store));

  it('answers every seed figure under its current units, their provinces and periods around it, as row by row does', async () => {
    const figures = [...(policeDataset.observations ?? []), ...(frontDataset.observations ?? [])] as unknown as { indicator: string; areaCode: string; period: string }[];
    const requests: MetricRequest[] = [];
    for (const figure of figures) {
      const period = parsePeriod(figure.period);
      const year = period.start.slice(0, 4);
      const targets = new Set<string>();
      for (const unit of registry.currentOf(figure.areaCode, { on: period.start })) {
        targets.add(unit.code);
        const province = registry.get(unit.code)?.provinceCode;
        if (province) targets.add(province);
      }
      for (const target of targets) {
        for (const asked of new Set([figure.period, year, `${year}-Q${Math.ceil(Number(period.start.slice(5, 7)) / 3)}`, `${Number(year) + 1}`])) {
          requests.push({ target, indicator: figure.indicator, period: asked });
        }
      }
    }
    expect(requests.length).toBeGreaterThan(100);
    const paths = await bothWays(store, requests);
    expect(paths.filter((path) => path === 'summed').length).toBeGreaterThan(requests.length / 2);
  }, 60_000);
});

describe('Area.police.metric over GraphQL', () => {
  let subgraph: AgencySubgraph;
  const signingKey = randomBytes(32).toString('base64');
  const caller = { agency: 'police', clearance: 'shared' } as const;

  beforeAll(async () => {
    subgraph = await createAgencySubgraph({ agency: 'police' }, { signingKey, registry, logLevel: 'silent' });
    await storeDataset(subgraph.storage, generateDataset(registry, scopes.scopeOf('80')));
  }, 60_000);
  afterAll(async () => subgraph?.close());

  const ask = (query: string) => postSignedGraphQL<{ area: { police: Record<string, unknown> } }>(subgraph.url, { query, signingKey, audience: 'police', caller });

  it('answers with and without contributions (through fragments too) as the row-by-row roll-up does', async () => {
    const figure = 'value comparison { previousPeriod current previous change changePercent direction text } partial { area { code } period value into { area { code } } }';
    const query = `{
      area(code: "25459") {
        police {
          bare: metric(indicator: "criminal_offences", period: "2025") { ${figure} }
          listed: metric(indicator: "criminal_offences", period: "2025") { ...Listed }
          inline: metric(indicator: "criminal_offences", period: "2025") { ... on MetricRollUp { value contributions { period } } }
        }
      }
    }
    fragment Listed on MetricRollUp { ${figure} contributions { area { code } period value via } }`;
    // Twice: mercurius compiles a query with graphql-jit once it has run, and the second run
    // must see the selections alike.
    await ask(query);
    const response = await ask(query);
    expect(response.errors).toBeUndefined();
    const { answers } = await rollUpMetrics(subgraph.storage, { ...options(), rowsOnly: true }, [
      { target: '25459', indicator: 'criminal_offences', period: '2025', contributions: true },
    ]);
    const answer = answers[0] as MetricRollUp;
    const expected = {
      value: answer.value,
      // The schema gives the SDK's direction codes as its enum values (UP for up).
      comparison: answer.comparison && { ...answer.comparison, direction: answer.comparison.direction?.toUpperCase() ?? null },
      // Each split unit names the current units it went into: those the registry's lineage leads to.
      partial: answer.partial.map((each) => ({
        area: { code: each.areaCode },
        period: each.period,
        value: each.value,
        into: registry.currentOf(each.areaCode, { on: parsePeriod(each.period).start }).map((unit) => ({ area: { code: unit.code } })),
      })),
    };
    expect(answer.partial.length).toBeGreaterThan(0);
    for (const each of expected.partial) {
      expect(each.into.length).toBeGreaterThan(1);
      expect(each.into).toContainEqual({ area: { code: '25459' } });
    }
    const police = response.data!.area.police;
    expect(police.bare).toEqual(expected);
    expect(police.listed).toEqual({
      ...expected,
      contributions: answer.contributions!.map((each) => ({ area: { code: each.areaCode }, period: each.period, value: each.value, via: each.via.toUpperCase() })),
    });
    expect(police.inline).toEqual({ value: answer.value, contributions: answer.contributions!.map((each) => ({ period: each.period })) });
  });
});
