import { describe, expect, it } from 'vitest';
import type { AreaGraph, LineageLink } from '../domain/area-graph.js';
import type { Indicator, Observation, RegisterDate } from '../domain/types.js';
import { AntqError, ErrorCode } from '../errors.js';
import { parsePeriod } from '../periods/period.js';
import { resolveAreaForward } from './resolve-area-forward.js';
import { rollUpObservations, rollUpPartialOf, unitValueRange, type RollUpResult } from './roll-up.js';
import { rollUpGroups, type RollUpGroup } from './roll-up-groups.js';
import { rollUpPlaces } from './roll-up-place.js';
import { seededRandom } from '@antq/testing';
import { thrownAntqError as caught } from '../testing/thrown-antq-error.js';

/*
 * A small hand-built area graph with three registers:
 *
 *   OLD (2024-11-01)            MID (2025-03-01)   NEW (2025-07-01)
 *   P 01                        same, unchanged    P' 91   (P → P' full)
 *   └ D 001                     same, unchanged    —       (district abolished, no successor)
 *     ├ C1 00001                same, unchanged    N1 00010 under P' (C1 → N1 full)
 *     ├ C2 00002                same, unchanged    N1 00010          (C2 → N1 full)
 *     ├ C3 00003                same, unchanged    N1 + N2 00020 under P' (C3 → N1, N2 partial)
 *     └ C4 00004                same, unchanged    C4 00004 under P' (unchanged)
 *   Q 02                        same, unchanged    Q' 92   (Q → Q' full)
 *   └ E 002                     same, unchanged    —
 *     └ C5 00005                same, unchanged    M1 00050 under Q' (C5 → M1 full)
 */
const OLD: RegisterDate = '2024-11-01';
const MID: RegisterDate = '2025-03-01';
const NEW: RegisterDate = '2025-07-01';
const REGISTERS = [OLD, MID, NEW] as const;

const A = {
  P: '01',
  D: '001',
  C1: '00001',
  C2: '00002',
  C3: '00003',
  C4: '00004',
  Q: '02',
  E: '002',
  C5: '00005',
  P2: '91',
  N1: '00010',
  N2: '00020',
  Q2: '92',
  M1: '00050',
} as const;

/** code → parent code, per register. */
const OLD_UNITS: Record<string, string | undefined> = {
  [A.P]: undefined,
  [A.D]: A.P,
  [A.C1]: A.D,
  [A.C2]: A.D,
  [A.C3]: A.D,
  [A.C4]: A.D,
  [A.Q]: undefined,
  [A.E]: A.Q,
  [A.C5]: A.E,
};
const NEW_UNITS: Record<string, string | undefined> = {
  [A.P2]: undefined,
  [A.N1]: A.P2,
  [A.N2]: A.P2,
  [A.C4]: A.P2,
  [A.Q2]: undefined,
  [A.M1]: A.Q2,
};
const UNITS: Record<RegisterDate, Record<string, string | undefined>> = {
  [OLD]: OLD_UNITS,
  [MID]: OLD_UNITS,
  [NEW]: NEW_UNITS,
  '2026-04-30': {},
};

function link(from: string, to: string, fromRegister: RegisterDate, extra: Partial<LineageLink> = {}): LineageLink {
  const toRegister = REGISTERS[REGISTERS.indexOf(fromRegister as (typeof REGISTERS)[number]) + 1]!;
  return { from, to, fromRegister, toRegister, relation: 'full', effectiveOn: toRegister, ...extra };
}

const LINKS = new Map<string, LineageLink[]>();
for (const code of Object.keys(OLD_UNITS)) LINKS.set(`${OLD}|${code}`, [link(code, code, OLD, { unchanged: true })]);
const reform = '1682/NQ-UBTVQH15';
LINKS.set(`${MID}|${A.P}`, [link(A.P, A.P2, MID, { resolution: reform })]);
LINKS.set(`${MID}|${A.Q}`, [link(A.Q, A.Q2, MID, { resolution: reform })]);
LINKS.set(`${MID}|${A.C1}`, [link(A.C1, A.N1, MID, { resolution: reform })]);
LINKS.set(`${MID}|${A.C2}`, [link(A.C2, A.N1, MID, { resolution: reform })]);
LINKS.set(`${MID}|${A.C3}`, [link(A.C3, A.N1, MID, { relation: 'partial', resolution: reform }), link(A.C3, A.N2, MID, { relation: 'partial', resolution: reform })]);
LINKS.set(`${MID}|${A.C4}`, [link(A.C4, A.C4, MID, { unchanged: true })]);
LINKS.set(`${MID}|${A.C5}`, [link(A.C5, A.M1, MID, { resolution: reform })]);
// D and E (districts) get no links on 2025-07-01.

const graph: AreaGraph = {
  registers: REGISTERS,
  registerOn(date) {
    return [...REGISTERS].reverse().find((register) => register <= date) ?? OLD;
  },
  ancestorCodes(code, register) {
    const units = UNITS[register];
    if (!(code in units)) return undefined;
    const ancestors: string[] = [];
    for (let parent = units[code]; parent !== undefined; parent = units[parent]) ancestors.push(parent);
    return ancestors;
  },
  successorLinks(code, register) {
    return LINKS.get(`${register}|${code}`) ?? [];
  },
};

// Indicators. Codes carry a random suffix so that no result can be hard-coded.
const suffix = Math.random().toString(36).slice(2, 8);
function indicator(code: string, unit: Indicator['unit'], summableOverAreas: boolean, summableOverPeriods: boolean): Indicator {
  return {
    code: `${code}_${suffix}`,
    label: { vi: code, en: code },
    unit,
    summableOverAreas,
    summableOverPeriods,
    reportedBy: 'police',
    better: 'neither',
  };
}
/** Events: add up over areas and periods (like criminal offences). */
const offences = indicator('offences', 'count', true, true);
/** A stock: adds up over areas, not over periods (like cameras installed). */
const cameras = indicator('cameras', 'count', true, false);
/** A percentage: adds up over neither. */
const coverage = indicator('coverage', 'percent', false, false);
/** Money: adds up over both, in whole VND. */
const funding = indicator('funding', 'vnd', true, true);

let counter = 0;
function observation(of: Indicator, areaCode: string, period: string, extra: Partial<Observation> = {}): Observation {
  counter += 1;
  return {
    id: `obs-${suffix}-${counter}`,
    indicator: of.code,
    areaCode,
    period,
    value: 1 + Math.floor(Math.random() * 500),
    agency: 'police',
    revision: 1,
    ...extra,
  };
}

/** Every observation passed in appears exactly once in the result. */
function expectAccountedFor(result: RollUpResult, observations: readonly Observation[]): void {
  const seen = [...result.contributions.map((c) => c.observationId), ...result.partial.map((p) => p.observationId), ...result.excluded.map((e) => e.observationId)];
  expect(seen.sort()).toEqual(observations.map((o) => o.id).sort());
}

function sum(...observations: Observation[]): number {
  return observations.reduce((total, o) => total + o.value, 0);
}

function reasonOf(result: RollUpResult, id: string) {
  return result.excluded.find((e) => e.observationId === id);
}

describe('rollUpObservations — where figures come from', () => {
  it('self: an observation exactly at the target', () => {
    const n1 = observation(offences, A.N1, '2025-Q3');
    const result = rollUpObservations({ indicator: offences, observations: [n1], target: A.N1, period: '2025-Q3', areas: graph });
    expect(result).toEqual({
      indicator: offences.code,
      target: A.N1,
      register: NEW,
      period: '2025-Q3',
      value: n1.value,
      contributions: [{ observationId: n1.id, areaCode: A.N1, period: '2025-Q3', value: n1.value, revision: 1, via: 'self', chain: [], widenings: [], resolvedAreaCodes: [A.N1] }],
      partial: [],
      excluded: [],
    });
  });

  it('hierarchy: communes of the target province, including one that continued unchanged through the reform', () => {
    const n1 = observation(offences, A.N1, '2025-Q3');
    const n2 = observation(offences, A.N2, '2025-Q3');
    const c4 = observation(offences, A.C4, '2025-Q3');
    const c4Old = observation(offences, A.C4, '2025-Q2'); // read in MID, unchanged link into NEW
    const all = [n1, n2, c4, c4Old];
    const result = rollUpObservations({ indicator: offences, observations: all, target: A.P2, period: '2025', areas: graph });
    expect(result.value).toBe(sum(n1, n2, c4, c4Old));
    expect(result.contributions.map((c) => c.via)).toEqual(['hierarchy', 'hierarchy', 'hierarchy', 'hierarchy']);
    expect(result.contributions[3]!.chain).toEqual([LINKS.get(`${MID}|${A.C4}`)![0]]);
    expectAccountedFor(result, all);
  });

  it('lineage: communes merged in full into the target are summed, with the links followed', () => {
    const c1 = observation(offences, A.C1, '2024');
    const c2 = observation(offences, A.C2, '2024');
    const result = rollUpObservations({ indicator: offences, observations: [c1, c2], target: A.N1, period: '2024', areas: graph });
    expect(result.value).toBe(sum(c1, c2));
    expect(result.partial).toEqual([]);
    const [first] = result.contributions;
    expect(first).toMatchObject({ observationId: c1.id, via: 'lineage', resolvedAreaCodes: [A.N1], widenings: [] });
    expect(first!.chain.map((l) => `${l.fromRegister}:${l.from}→${l.to}`)).toEqual([`${OLD}:${A.C1}→${A.C1}`, `${MID}:${A.C1}→${A.N1}`]);
  });

  it('lineage also rolls old communes up into the new province', () => {
    const c1 = observation(offences, A.C1, '2024');
    const c3 = observation(offences, A.C3, '2024');
    const result = rollUpObservations({ indicator: offences, observations: [c1, c3], target: A.P2, period: '2024', areas: graph });
    expect(result.value).toBe(sum(c1, c3)); // C3 split, but both halves lie in P'
    expect(result.contributions.find((c) => c.observationId === c3.id)?.resolvedAreaCodes).toEqual([A.N1, A.N2]);
  });

  it('partial: a commune split between the target and another unit is reported, not summed', () => {
    const c1 = observation(offences, A.C1, '2024');
    const c3 = observation(offences, A.C3, '2024');
    const result = rollUpObservations({ indicator: offences, observations: [c1, c3], target: A.N1, period: '2024', areas: graph });
    expect(result.value).toBe(c1.value);
    expect(result.partial).toEqual([
      {
        observationId: c3.id,
        areaCode: A.C3,
        period: '2024',
        value: c3.value,
        revision: 1,
        relation: 'partial',
        resolvedAreaCodes: [A.N1, A.N2],
        insideTarget: [A.N1],
        into: [A.N1, A.N2].map((code, index) => ({
          code,
          relation: 'partial',
          effectiveOn: NEW,
          resolutions: [reform],
          chain: [LINKS.get(`${MID}|${A.C3}`)![index]],
        })),
        chain: [...LINKS.get(`${OLD}|${A.C3}`)!, ...LINKS.get(`${MID}|${A.C3}`)!],
        widenings: [],
      },
    ]);
    expectAccountedFor(result, [c1, c3]);
  });

  itExcludesWhatDoesNotLieInsideTheTarget();
});

describe('rollUpObservations — summability', () => {
  it('refuses to add up areas for an indicator that is not summable over areas', () => {
    const n1 = observation(coverage, A.N1, '2025-Q3', { value: 40 });
    const n2 = observation(coverage, A.N2, '2025-Q3', { value: 60 });
    const error = caught(() => rollUpObservations({ indicator: coverage, observations: [n1, n2], target: A.P2, period: '2025-Q3', areas: graph }));
    expect(error.code).toBe(ErrorCode.NOT_SUMMABLE);
    expect(error.message).toContain(coverage.code);
    expect(error.message).toContain('cannot be summed over areas');
    expect(error.details).toMatchObject({ indicator: coverage.code, refuses: ['areas'], observationIds: [n1.id, n2.id] });
  });

  it('a single lower-level or predecessor figure is still a sum over areas', () => {
    const n1 = observation(coverage, A.N1, '2025-Q3', { value: 40 });
    expect(caught(() => rollUpObservations({ indicator: coverage, observations: [n1], target: A.P2, period: '2025-Q3', areas: graph })).code).toBe(ErrorCode.NOT_SUMMABLE);
    const c1 = observation(coverage, A.C1, '2024', { value: 40 });
    expect(caught(() => rollUpObservations({ indicator: coverage, observations: [c1], target: A.N1, period: '2024', areas: graph })).code).toBe(ErrorCode.NOT_SUMMABLE);
  });

  it('a single observation exactly at the target for exactly the period is returned as is', () => {
    const p2 = observation(coverage, A.P2, '2025-Q3', { value: 37.5 });
    const n1 = observation(coverage, A.N1, '2025-Q3', { value: 40 });
    const result = rollUpObservations({ indicator: coverage, observations: [p2, n1], target: A.P2, period: '2025-Q3', areas: graph });
    expect(result.value).toBe(37.5);
    expect(result.contributions).toMatchObject([{ observationId: p2.id, via: 'self' }]);
    expect(reasonOf(result, n1.id)?.reason).toBe('covered_by_other');
  });

  it('an older unit that became exactly the target needs no sum (the graph knows predecessors)', () => {
    // P → P2 is P2's only link in: P of 2024 is P2. N1 took in C1, C2 and part of C3, so C1 alone is not N1.
    const withPredecessors: AreaGraph = {
      ...graph,
      predecessorLinks: (code, register) => [...LINKS.values()].flat().filter((each) => each.to === code && each.toRegister === register),
    };
    const p = observation(coverage, A.P, '2024', { value: 12.5 });
    const result = rollUpObservations({ indicator: coverage, observations: [p], target: A.P2, period: '2024', areas: withPredecessors });
    expect(result.value).toBe(12.5);
    expect(result.contributions).toMatchObject([{ observationId: p.id, via: 'lineage' }]);
    const c1 = observation(coverage, A.C1, '2024', { value: 40 });
    expect(caught(() => rollUpObservations({ indicator: coverage, observations: [c1], target: A.N1, period: '2024', areas: withPredecessors })).code).toBe(ErrorCode.NOT_SUMMABLE);
    // Two figures to add (P's year from its months) stay refused.
    const months = ['2024-01', '2024-02'].map((month) => observation(coverage, A.P, month, { value: 10 }));
    expect(caught(() => rollUpObservations({ indicator: coverage, observations: months, target: A.P2, period: '2024', areas: withPredecessors })).code).toBe(
      ErrorCode.NOT_SUMMABLE,
    );
  });

  it('refuses to add up periods for a stock, which is not summable over periods', () => {
    const july = observation(cameras, A.N1, '2025-07');
    const august = observation(cameras, A.N1, '2025-08');
    const error = caught(() => rollUpObservations({ indicator: cameras, observations: [july, august], target: A.N1, period: '2025-Q3', areas: graph }));
    expect(error.code).toBe(ErrorCode.NOT_SUMMABLE);
    expect(error.message).toContain(cameras.code);
    expect(error.message).toContain('cannot be summed over periods');
    expect(error.details).toMatchObject({ refuses: ['periods'] });
  });

  it('a stock still adds up over areas for the same period, leaving out figures for shorter periods', () => {
    const n1 = observation(cameras, A.N1, '2025-Q3');
    const n2 = observation(cameras, A.N2, '2025-Q3');
    const n2July = observation(cameras, A.N2, '2025-07');
    const c4August = observation(cameras, A.C4, '2025-08');
    const all = [n1, n2, n2July, c4August];
    const result = rollUpObservations({ indicator: cameras, observations: all, target: A.P2, period: '2025-Q3', areas: graph });
    expect(result.value).toBe(sum(n1, n2));
    expect(reasonOf(result, n2July.id)?.reason).toBe('covered_by_other');
    expect(reasonOf(result, c4August.id)).toMatchObject({ reason: 'not_summable_over_periods', message: expect.stringContaining('2025-08') });
    expectAccountedFor(result, all);
  });
});

describe('rollUpObservations — revisions and periods', () => {
  it('only the latest revision of a figure counts; earlier ones are superseded', () => {
    const first = observation(offences, A.N1, '2025-Q3', { revision: 1 });
    const second = observation(offences, A.N1, '2025-Q3', { revision: 2 });
    const third = observation(offences, A.N1, '2025-07-01/2025-09-30', { revision: 3 }); // the same days, other form
    const n2 = observation(offences, A.N2, '2025-Q3', { revision: 1 });
    const all = [third, first, n2, second];
    const result = rollUpObservations({ indicator: offences, observations: all, target: A.P2, period: '2025-Q3', areas: graph });
    expect(result.value).toBe(sum(third, n2));
    expect(reasonOf(result, first.id)).toEqual({
      observationId: first.id,
      reason: 'superseded',
      message: `superseded by revision 3 (observation ${third.id})`,
      relatedObservationId: third.id,
    });
    expect(reasonOf(result, second.id)?.reason).toBe('superseded');
    expectAccountedFor(result, all);
  });

  it('equal top revisions count once when they agree, and not at all when they differ', () => {
    const a = observation(offences, A.N1, '2025-Q3', { revision: 2, value: 7 });
    const b = observation(offences, A.N1, '2025-Q3', { revision: 2, value: 7 });
    const agreeing = rollUpObservations({ indicator: offences, observations: [a, b], target: A.N1, period: '2025-Q3', areas: graph });
    expect(agreeing.value).toBe(7);
    expect(reasonOf(agreeing, b.id)?.reason).toBe('duplicate');

    const c = observation(offences, A.N1, '2025-Q3', { revision: 2, value: 8 });
    const clashing = rollUpObservations({ indicator: offences, observations: [a, c], target: A.N1, period: '2025-Q3', areas: graph });
    expect(clashing.value).toBeNull();
    expect(clashing.excluded.map((e) => e.reason)).toEqual(['conflicting_revisions', 'conflicting_revisions']);
  });

  it('periods inside the target count, overlapping ones and outside ones do not', () => {
    const july = observation(offences, A.N1, '2025-07');
    const range = observation(offences, A.N1, '2025-08-10/2025-08-20');
    const overlapping = observation(offences, A.N1, '2025-09-15/2025-10-15');
    const outside = observation(offences, A.N1, '2025-Q4');
    const all = [july, range, overlapping, outside];
    const result = rollUpObservations({ indicator: offences, observations: all, target: A.N1, period: '2025-Q3', areas: graph });
    expect(result.value).toBe(sum(july, range));
    expect(reasonOf(result, overlapping.id)).toMatchObject({ reason: 'period_overlaps', message: expect.stringContaining('cannot be split by day') });
    expect(reasonOf(result, outside.id)?.reason).toBe('period_outside');
  });

  it('accepts the target period as an object', () => {
    const n1 = observation(offences, A.N1, '2025-09');
    const result = rollUpObservations({ indicator: offences, observations: [n1], target: A.N1, period: { kind: 'quarter', start: '2025-07-01', end: '2025-09-30' }, areas: graph });
    expect(result.period).toBe('2025-Q3');
    expect(result.value).toBe(n1.value);
  });
});

describe('rollUpObservations — no double counting', () => {
  it('a district figure covers its communes’ figures for periods inside its own', () => {
    const d = observation(offences, A.D, '2024');
    const c1 = observation(offences, A.C1, '2024');
    const c2May = observation(offences, A.C2, '2024-05');
    const all = [c1, d, c2May];
    const result = rollUpObservations({ indicator: offences, observations: all, target: A.P2, period: '2024', areas: graph });
    expect(result.value).toBe(d.value);
    expect(reasonOf(result, c1.id)).toMatchObject({ reason: 'covered_by_other', relatedObservationId: d.id });
    expect(reasonOf(result, c2May.id)).toMatchObject({ reason: 'covered_by_other', relatedObservationId: d.id });
  });

  it('overlap without cover leaves both out', () => {
    const dMay = observation(offences, A.D, '2024-05'); // the district in May …
    const c1 = observation(offences, A.C1, '2024'); // … and one of its communes for the year: May of C1 is in both
    const c4June = observation(offences, A.C4, '2024-06'); // overlaps neither
    const all = [dMay, c1, c4June];
    const result = rollUpObservations({ indicator: offences, observations: all, target: A.P2, period: '2024', areas: graph });
    expect(result.value).toBe(c4June.value);
    expect(result.excluded).toEqual([
      { observationId: dMay.id, reason: 'overlaps_other', message: expect.stringContaining(c1.id), relatedObservationId: c1.id },
      { observationId: c1.id, reason: 'overlaps_other', message: expect.stringContaining('no sum of them is right'), relatedObservationId: dMay.id },
    ]);
    expectAccountedFor(result, all);
  });

  it('a commune figure covers the figures of its residential areas; sibling residential areas add up', () => {
    const commune = observation(offences, A.N1, '2025-Q3');
    const hamlet3 = observation(offences, A.N1, '2025-Q3', { residentialAreaId: `${A.N1}:ap-3` });
    const hamlet4 = observation(offences, A.N1, '2025-Q3', { residentialAreaId: `${A.N1}:ap-4` });
    const withCommune = rollUpObservations({ indicator: offences, observations: [commune, hamlet3, hamlet4], target: A.N1, period: '2025-Q3', areas: graph });
    expect(withCommune.value).toBe(commune.value);
    const hamletsOnly = rollUpObservations({ indicator: offences, observations: [hamlet3, hamlet4], target: A.N1, period: '2025-Q3', areas: graph });
    expect(hamletsOnly.value).toBe(sum(hamlet3, hamlet4));
    expect(hamletsOnly.contributions.map((c) => [c.via, c.residentialAreaId])).toEqual([
      ['hierarchy', `${A.N1}:ap-3`],
      ['hierarchy', `${A.N1}:ap-4`],
    ]);
  });
});

describe('rollUpObservations — values and errors', () => {
  it('sums VND exactly and refuses a sum beyond Number.MAX_SAFE_INTEGER', () => {
    const big = Number.MAX_SAFE_INTEGER - 10;
    const n1 = observation(funding, A.N1, '2025-Q3', { value: 630_000_000 });
    const n2 = observation(funding, A.N2, '2025-Q3', { value: 10_000_000 });
    expect(rollUpObservations({ indicator: funding, observations: [n1, n2], target: A.P2, period: '2025-Q3', areas: graph }).value).toBe(640_000_000);

    const huge1 = observation(funding, A.N1, '2025-Q3', { value: big });
    const huge2 = observation(funding, A.N2, '2025-Q3', { value: 11 });
    const error = caught(() => rollUpObservations({ indicator: funding, observations: [huge1, huge2], target: A.P2, period: '2025-Q3', areas: graph }));
    expect(error.code).toBe(ErrorCode.NOT_SUMMABLE);
    expect(error.message).toContain('MAX_SAFE_INTEGER');
    expect(error.details).toMatchObject({ reason: 'unsafe_integer' });
  });

  it('excludes values that do not fit the unit', () => {
    const fraction = observation(funding, A.N1, '2025-Q3', { value: 1.5 });
    const negative = observation(offences, A.N1, '2025-Q3', { value: -3 });
    const notFinite = observation(offences, A.N2, '2025-Q3', { value: Number.NaN });
    expect(rollUpObservations({ indicator: funding, observations: [fraction], target: A.N1, period: '2025-Q3', areas: graph }).excluded[0]?.reason).toBe('invalid_value');
    const result = rollUpObservations({ indicator: offences, observations: [negative, notFinite], target: A.P2, period: '2025-Q3', areas: graph });
    expect(result.excluded.map((e) => e.reason)).toEqual(['invalid_value', 'invalid_value']);
  });

  it('excludes an observation whose period string is not a period', () => {
    const bad = observation(offences, A.N1, '2025-13');
    expect(rollUpObservations({ indicator: offences, observations: [bad], target: A.N1, period: '2025', areas: graph }).excluded).toEqual([
      { observationId: bad.id, reason: 'invalid_period', message: 'has period "2025-13", which is not a period' },
    ]);
  });

  it('throws UNKNOWN_AREA for a target not in the latest register, and INVALID_PERIOD for a bad period', () => {
    const unknown = caught(() => rollUpObservations({ indicator: offences, observations: [], target: A.C1, period: '2024', areas: graph }));
    expect(unknown.code).toBe(ErrorCode.UNKNOWN_AREA);
    expect(unknown.message).toContain(A.C1);
    expect(unknown.details).toMatchObject({ areaCode: A.C1, register: NEW });
    expect(caught(() => rollUpObservations({ indicator: offences, observations: [], target: A.N1, period: '2024-Q5', areas: graph })).code).toBe(ErrorCode.INVALID_PERIOD);
  });

  it('returns null and nothing else for no observations', () => {
    expect(rollUpObservations({ indicator: offences, observations: [], target: A.N1, period: '2025', areas: graph })).toEqual({
      indicator: offences.code,
      target: A.N1,
      register: NEW,
      period: '2025',
      value: null,
      contributions: [],
      partial: [],
      excluded: [],
    });
  });
});

describe('resolveAreaForward', () => {
  it('follows a unit register by register and reports what it could not resolve', () => {
    expect(resolveAreaForward(graph, A.N1, NEW)).toEqual({ code: A.N1, register: NEW, units: [A.N1], chain: [], widenings: [], relation: 'full', unchanged: true });
    expect(resolveAreaForward(graph, A.C3, MID)).toMatchObject({ units: [A.N1, A.N2], relation: 'partial', unchanged: false });
    expect(resolveAreaForward(graph, A.E, OLD)).toMatchObject({ units: [A.Q2], widenings: [{ from: A.E, to: A.Q, register: MID }] });
    expect(resolveAreaForward(graph, A.N1, OLD)).toMatchObject({ units: [], problem: 'unknown_area' });
  });

  it('gives up when neither the unit nor any ancestor has a successor', () => {
    const orphaned: AreaGraph = { ...graph, successorLinks: (code, register) => (register === MID && (code === A.D || code === A.P) ? [] : graph.successorLinks(code, register)) };
    expect(resolveAreaForward(orphaned, A.D, OLD)).toMatchObject({ units: [], problem: 'no_successor' });
    const d = observation(offences, A.D, '2024');
    expect(rollUpObservations({ indicator: offences, observations: [d], target: A.P2, period: '2024', areas: orphaned }).excluded[0]?.reason).toBe('area_unresolved');
  });
});

describe('rollUpPlaces', () => {
  it('places each unit of each register for the target, as rule 5 does', () => {
    const forN1 = rollUpPlaces(graph, A.N1);
    expect(forN1.placeOf(A.N1, NEW)).toMatchObject({ kind: 'target', upCodes: [A.N1, A.P2], insideTarget: [A.N1] });
    expect(forN1.placeOf(A.C1, OLD)).toMatchObject({ kind: 'inside', upCodes: [A.C1, A.D, A.P] });
    expect(forN1.placeOf(A.C3, MID)).toMatchObject({ kind: 'partial', insideTarget: [A.N1], resolution: { units: [A.N1, A.N2], relation: 'partial' } });
    expect(forN1.placeOf(A.P, OLD).kind).toBe('above');
    expect(forN1.placeOf(A.C5, OLD).kind).toBe('outside');
    expect(forN1.placeOf(A.N1, OLD)).toMatchObject({ kind: 'unknown', upCodes: [] });
    expect(forN1.placeOf(A.C1, OLD)).toBe(forN1.placeOf(A.C1, OLD));
    const forP2 = rollUpPlaces(graph, A.P2);
    expect(forP2.placeOf(A.C3, MID).kind).toBe('inside');
    expect(forP2.placeOf(A.C4, NEW).kind).toBe('inside');
    expect(forP2.placeOf(A.P2, NEW).kind).toBe('target');
    // A unit that continued unchanged is the target in every register; its old province went through lineage.
    expect(rollUpPlaces(graph, A.C4).placeOf(A.C4, MID).kind).toBe('target');
    expect(forP2.placeOf(A.P, MID).kind).toBe('inside');
    const orphaned: AreaGraph = { ...graph, successorLinks: (code, register) => (register === MID && (code === A.D || code === A.P) ? [] : graph.successorLinks(code, register)) };
    expect(rollUpPlaces(orphaned, A.P2).placeOf(A.D, OLD).kind).toBe('unresolved');
  });

  it('refuses a target that is not in the latest register', () => {
    expect(caught(() => rollUpPlaces(graph, A.C1)).code).toBe(ErrorCode.UNKNOWN_AREA);
  });

  it('gives partial entries exactly as the roll-up lists them', () => {
    const split = observation(offences, A.C3, '2025-03');
    const result = rollUpObservations({ indicator: offences, observations: [split], target: A.N1, period: '2025', areas: graph });
    expect(result.partial).toEqual([rollUpPartialOf(split, rollUpPlaces(graph, A.N1).placeOf(A.C3, MID))]);
  });
});

describe('unitValueRange', () => {
  it('admits exactly the values the roll-up counts', () => {
    const candidates = [0, -0, 1, 2.5, 100, 100.5, -1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.MAX_VALUE, Infinity, -Infinity, NaN];
    for (const of of [offences, funding, coverage, indicator('share', 'ratio', false, false)]) {
      const range = unitValueRange(of.unit);
      for (const value of candidates) {
        const fits = value >= 0 && value <= range.max && (!range.whole || Number.isInteger(value));
        const kept = rollUpObservations({ indicator: of, observations: [observation(of, A.N1, '2025-08', { value })], target: A.N1, period: '2025-08', areas: graph });
        expect(kept.value !== null, `${of.unit} ${value}`).toBe(fits);
      }
    }
  });
});

/**
 * Groups observations the way a store does for {@link rollUpGroups}: those of places `target` and
 * `inside` whose period lies inside the target period, by place, register, depth and exactness.
 */
function groupsOf(observations: readonly Observation[], target: string, period: string) {
  const places = rollUpPlaces(graph, target);
  const asked = parsePeriod(period);
  const groups = new Map<string, RollUpGroup>();
  const periods: { start: string; end: string }[] = [];
  for (const each of observations) {
    const days = parsePeriod(each.period);
    if (days.start < asked.start || days.end > asked.end) continue;
    const place = places.placeOf(each.areaCode, graph.registerOn(days.start));
    if (place.kind !== 'target' && place.kind !== 'inside') continue;
    const exact = days.start === asked.start && days.end === asked.end ? 'exact' : 'inside';
    const key = `${place.kind}|${place.register}|${place.upCodes.length}|${exact}`;
    const known = groups.get(key) ?? { place: place.kind, register: place.register, depth: place.upCodes.length - 1, period: exact, count: 0, sum: 0, fractional: 0 };
    groups.set(key, { ...known, count: known.count + 1, sum: known.sum + each.value, fractional: known.fractional + (Number.isInteger(each.value) ? 0 : 1) });
    periods.push(days);
  }
  return { groups: [...groups.values()], periods };
}

describe('rollUpGroups — against rollUpObservations', () => {
  const units: Partial<Record<RegisterDate, string[]>> = {
    [OLD]: Object.keys(OLD_UNITS),
    [MID]: Object.keys(OLD_UNITS),
    [NEW]: Object.keys(NEW_UNITS),
  };
  const months = ['2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12'];
  const others = ['2025', '2024', '2025-Q1', '2025-Q3', '2024-Q4', '2025-06-15/2025-07-14', '2025-08-01/2025-08-10', '2025-01-01/2025-06-30'];
  const asked = ['2025', '2024', '2025-Q1', '2025-Q3', '2025-02', '2025-08', '2025-06-15/2025-07-14', '2025-01-01/2025-06-30'];
  const targets = [A.P2, A.N1, A.N2, A.C4, A.Q2, A.M1];

  /** Observations with one figure per unit and period, valid values, no residential areas: what a store vouches for. */
  function dataset(next: () => number, of: Indicator, plain: boolean): Observation[] {
    const taken = new Set<string>();
    const list: Observation[] = [];
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    for (let index = 0; index < 40; index++) {
      const period = plain || next() < 0.7 ? pick(months) : pick(others);
      const register = graph.registerOn(parsePeriod(period).start);
      // Plain data: communes only (one level per register); else any unit.
      const code = pick(units[register]!.filter((each) => !plain || each.length === 5));
      if (taken.has(`${code}|${period}`)) continue;
      taken.add(`${code}|${period}`);
      const value = of.unit === 'count' || of.unit === 'vnd' ? Math.floor(next() * 50) : Math.round(next() * 1000) / 10;
      list.push(observation(of, code, period, { value }));
    }
    return list;
  }

  it('gives the value of the row-by-row roll-up whenever it settles, and settles plain monthly data', () => {
    let settled = 0;
    let compared = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const next = seededRandom(seed);
      const plain = seed % 3 === 0;
      const of = [offences, cameras, coverage, funding][seed % 4]!;
      const observations = dataset(next, of, plain);
      for (const target of targets) {
        for (const period of asked) {
          let expected: number | null | 'throws';
          try {
            expected = rollUpObservations({ indicator: of, observations, target, period, areas: graph }).value;
          } catch (error) {
            expect((error as AntqError).code).toBe(ErrorCode.NOT_SUMMABLE);
            expected = 'throws';
          }
          const result = rollUpGroups({ indicator: of, period, ...groupsOf(observations, target, period) });
          compared += 1;
          if (!result.settled) {
            // Plain data of an indicator that sums over both is always settled.
            if (plain && of.summableOverAreas && of.summableOverPeriods) expect.fail(`unsettled plain data: ${result.reason}`);
            continue;
          }
          settled += 1;
          expect(result.value, `seed ${seed}, ${of.code} for ${target} in ${period}`).toBe(expected);
        }
      }
    }
    expect(settled).toBeGreaterThan(compared / 3);
  });
});

describe('rollUpGroups — when the groups cannot tell', () => {
  const group = (extra: Partial<RollUpGroup> = {}): RollUpGroup => ({ place: 'inside', register: NEW, depth: 1, period: 'inside', count: 2, sum: 5, fractional: 0, ...extra });
  const months = [
    { start: '2025-08-01', end: '2025-08-31' },
    { start: '2025-09-01', end: '2025-09-30' },
  ];

  it('sums groups of disjoint periods at one depth per register', () => {
    expect(rollUpGroups({ indicator: offences, period: '2025', groups: [group(), group({ register: OLD, depth: 2, sum: 4 })], periods: [...months, ...months] })).toEqual({
      settled: true,
      value: 9,
    });
    expect(rollUpGroups({ indicator: offences, period: '2025', groups: [], periods: [] })).toEqual({ settled: true, value: null });
  });

  it('leaves nested or overlapping periods, and several levels of one register, to the rows', () => {
    const nested = [...months, { start: '2025-07-01', end: '2025-09-30' }];
    expect(rollUpGroups({ indicator: offences, period: '2025', groups: [group()], periods: nested })).toMatchObject({ settled: false });
    const overlapping = [...months, { start: '2025-08-15', end: '2025-09-14' }];
    expect(rollUpGroups({ indicator: offences, period: '2025', groups: [group()], periods: overlapping })).toMatchObject({ settled: false });
    expect(rollUpGroups({ indicator: offences, period: '2025', groups: [group(), group({ depth: 0 })], periods: months })).toMatchObject({ settled: false });
    // Periods outside the target period are not its concern.
    expect(rollUpGroups({ indicator: offences, period: '2025-09', groups: [group({ period: 'exact' })], periods: nested.slice(1, 2) })).toEqual({ settled: true, value: 5 });
  });

  it('leaves a refused sum, and a sum that is not exact in every order, to the rows', () => {
    expect(rollUpGroups({ indicator: cameras, period: '2025', groups: [group()], periods: months })).toMatchObject({ settled: false });
    expect(rollUpGroups({ indicator: cameras, period: '2025-09', groups: [group({ period: 'exact', sum: 7 })], periods: months.slice(1) })).toEqual({ settled: true, value: 7 });
    expect(
      rollUpGroups({
        indicator: coverage,
        period: '2025-09',
        groups: [group({ place: 'target', period: 'exact', count: 1, sum: 2.5, fractional: 1 }), group({ period: 'exact' })],
        periods: months.slice(1),
      }),
    ).toEqual({ settled: true, value: 2.5 });
    expect(
      rollUpGroups({ indicator: funding, period: '2025', groups: [group({ sum: Number.MAX_SAFE_INTEGER }), group({ register: OLD, sum: 1 })], periods: months }),
    ).toMatchObject({ settled: false });
    const ratio = indicator('ratio', 'ratio', true, true);
    expect(rollUpGroups({ indicator: ratio, period: '2025', groups: [group({ sum: 0.30000000000000004, fractional: 2 })], periods: months })).toMatchObject({ settled: false });
  });
});

describe('rollUpObservations — on the national register', () => {
  const modelTypes: Indicator = { ...indicator('model_types', 'count', false, false) };

  it('answers a non-summable figure of Nghệ An 40 of 2023 for Nghệ An 40 of today: one figure, no sum (seed 003)', async () => {
    const { loadAreaRegistry } = await import('../areas/index.js');
    const registry = await loadAreaRegistry();
    const value = 1 + Math.floor(Math.random() * 60);
    const ngheAn = observation(modelTypes, '40', '2023', { value });
    const result = rollUpObservations({ indicator: modelTypes, observations: [ngheAn], target: '40', period: '2023', areas: registry });
    expect(result.value).toBe(value);
    expect(result.contributions.map((each) => each.observationId)).toEqual([ngheAn.id]);
  });

  it('keeps NOT_SUMMABLE for a unit merged into the target (Hưng Tân 18031 into Thông Tân 18028) and for a commune under the province', async () => {
    const { loadAreaRegistry } = await import('../areas/index.js');
    const registry = await loadAreaRegistry();
    const target = registry.currentOf('18031', { on: '2024-11-01' })[0]!.code;
    const hungTan = observation(modelTypes, '18031', '2023');
    expect(caught(() => rollUpObservations({ indicator: modelTypes, observations: [hungTan], target, period: '2023', areas: registry })).code).toBe(ErrorCode.NOT_SUMMABLE);
    expect(caught(() => rollUpObservations({ indicator: modelTypes, observations: [hungTan], target: '40', period: '2023', areas: registry })).code).toBe(ErrorCode.NOT_SUMMABLE);
  });
});

describe('lineage links no source confirms', () => {
  it('marks the curated Hưng Tân 18031 → Thông Tân 18028 step of 2025-01-01 unconfirmed, and leaves reform links as they are', async () => {
    const { loadAreaRegistry } = await import('../areas/index.js');
    const registry = await loadAreaRegistry();
    expect(registry.successors('18031')).toEqual([
      { from: '18031', fromRegister: '2024-11-01', to: '18028', toRegister: '2025-03-01', relation: 'full', effectiveOn: '2025-01-01', confirmed: false },
    ]);
    const reform = registry.successors('28168', { on: '2025-03-01' });
    expect(reform.length).toBeGreaterThan(0);
    for (const link of reform) {
      expect(link.resolution).toMatch(/NQ-UBTVQH15$/);
      expect(link).not.toHaveProperty('confirmed');
    }
  });
});

describe('roll-ups of units that have since ended', () => {
  // The hand graph with the links into each unit, which reading later units back needs.
  const withPredecessors: AreaGraph = {
    ...graph,
    predecessorLinks(code, register) {
      return [...LINKS.values()].flat().filter((each) => each.to === code && each.toRegister === register);
    },
  };
  const rollUp = (target: string, targetRegister: RegisterDate | undefined, period: string, observations: readonly Observation[], of = offences) =>
    rollUpObservations({ indicator: of, observations, target, ...(targetRegister ? { targetRegister } : {}), period, areas: withPredecessors });

  it('sums what was reported under an abolished district and its communes while it stood, read in its last register', () => {
    const c1 = observation(offences, A.C1, '2024');
    const c3 = observation(offences, A.C3, '2024-Q2');
    const c5 = observation(offences, A.C5, '2024');
    const province = observation(offences, A.P, '2024-Q4');
    const result = rollUp(A.D, OLD, '2024', [c1, c3, c5, province]);
    expect(result.register).toBe(MID);
    expect(result.value).toBe(sum(c1, c3));
    expect(result.contributions.map((each) => [each.observationId, each.via])).toEqual([
      [c1.id, 'hierarchy'],
      [c3.id, 'hierarchy'],
    ]);
    expect(result.excluded.map((each) => [each.observationId, each.reason])).toEqual([
      [c5.id, 'area_outside'],
      [province.id, 'area_above_target'],
    ]);
    // Any register of the version names the same target; its own figure is its own.
    expect(rollUp(A.D, MID, '2024', [c1, c3, c5, province])).toEqual(result);
    const own = observation(coverage, A.D, '2023', { value: 60 });
    expect(rollUp(A.D, OLD, '2023', [own], coverage)).toMatchObject({ value: own.value, contributions: [{ observationId: own.id, via: 'self' }] });
  });

  it('sums the units made from its territory after it ended, and lists units made partly from it', () => {
    const n1 = observation(offences, A.N1, '2025-Q3');
    const n2 = observation(offences, A.N2, '2025-Q3');
    const c4 = observation(offences, A.C4, '2025-Q4');
    const m1 = observation(offences, A.M1, '2025-Q3');
    const p2 = observation(offences, A.P2, '2025-Q4');
    const before = observation(offences, A.C2, '2025-Q1');
    const result = rollUp(A.D, OLD, '2025', [n1, n2, c4, m1, p2, before]);
    // N1 and N2 were made only from D's communes (N2 from part of C3), C4 continued.
    expect(result.value).toBe(sum(n1, n2, c4, before));
    expect(result.contributions.filter((each) => each.areaCode !== A.C2).every((each) => each.via === 'lineage')).toBe(true);
    expect(result.excluded.map((each) => [each.observationId, each.reason])).toEqual([
      [m1.id, 'area_outside'],
      [p2.id, 'area_above_target'],
    ]);
    expectAccountedFor(result, [n1, n2, c4, m1, p2, before]);
  });

  it('reads a later unit that is exactly the ended unit as the target itself, and one made partly from it as partial', () => {
    const p2 = observation(coverage, A.P2, '2025-Q3', { value: 40 });
    expect(rollUp(A.P, OLD, '2025-Q3', [p2], coverage)).toMatchObject({ value: p2.value, contributions: [{ observationId: p2.id, via: 'lineage' }] });
    // C3 split between N1 and N2: N1 is made partly from C3, partly from C1 and C2.
    const n1 = observation(offences, A.N1, '2025-Q3');
    const n2 = observation(offences, A.N2, '2025-Q3');
    const result = rollUp(A.C3, OLD, '2025-Q3', [n1, n2]);
    expect(result.value).toBe(n2.value);
    expect(result.partial).toMatchObject([{ observationId: n1.id, relation: 'partial', resolvedAreaCodes: [A.C1, A.C2, A.C3], insideTarget: [A.C3], into: [] }]);
  });

  it('still refuses a target the register asked for does not have', () => {
    expect(caught(() => rollUp(A.D, undefined, '2024', [])).code).toBe(ErrorCode.UNKNOWN_AREA);
    expect(caught(() => rollUp(A.N1, OLD, '2024', [])).details).toMatchObject({ areaCode: A.N1, register: OLD });
  });
});

// The rest of 'where figures come from': what is left out (or only reported), and why.
function itExcludesWhatDoesNotLieInsideTheTarget(): void {
  it('a partial observation alone gives no value', () => {
    const c3 = observation(offences, A.C3, '2024');
    const result = rollUpObservations({ indicator: offences, observations: [c3], target: A.N2, period: '2024', areas: graph });
    expect(result.value).toBeNull();
    expect(result.partial[0]?.insideTarget).toEqual([A.N2]);
  });

  it('abolished district: rolls up through its province into the new province', () => {
    const d = observation(offences, A.D, '2024');
    const result = rollUpObservations({ indicator: offences, observations: [d], target: A.P2, period: '2024', areas: graph });
    expect(result.value).toBe(d.value);
    expect(result.contributions[0]).toMatchObject({
      via: 'lineage',
      resolvedAreaCodes: [A.P2],
      widenings: [{ from: A.D, to: A.P, register: MID }],
    });
    expect(result.contributions[0]!.chain.map((l) => `${l.from}→${l.to}`)).toEqual([`${A.D}→${A.D}`, `${A.P}→${A.P2}`]);
  });

  it('a figure above the target is not counted: "covers more than the target"', () => {
    const d = observation(offences, A.D, '2024');
    const p2 = observation(offences, A.P2, '2025-Q3');
    const all = [d, p2];
    const forCommune = rollUpObservations({ indicator: offences, observations: all, target: A.N1, period: '2024', areas: graph });
    expect(reasonOf(forCommune, d.id)).toMatchObject({ reason: 'area_above_target', message: expect.stringContaining('covers more than the target') });
    const later = rollUpObservations({ indicator: offences, observations: all, target: A.N1, period: '2025-Q3', areas: graph });
    expect(reasonOf(later, p2.id)?.reason).toBe('area_above_target');
    expect(later.value).toBeNull();
  });

  it('areas elsewhere, unknown codes and other indicators are excluded with their reason', () => {
    const c5 = observation(offences, A.C5, '2024');
    const wrongRegister = observation(offences, A.N1, '2024'); // N1 does not exist before 2025-07-01
    const other = observation(cameras, A.N1, '2025-Q3');
    const all = [c5, wrongRegister, other];
    const result = rollUpObservations({ indicator: offences, observations: all, target: A.P2, period: '2024', areas: graph });
    expect(result.value).toBeNull();
    expect(result.excluded.map((e) => e.reason)).toEqual(['area_outside', 'area_unknown', 'other_indicator']);
    expect(reasonOf(result, wrongRegister.id)?.message).toContain(OLD);
  });
}
