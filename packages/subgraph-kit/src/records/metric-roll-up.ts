import {
  comparePeriods,
  formatPeriod,
  getIndicator,
  isPeriodString,
  parsePeriod,
  previousPeriod,
  requireIndicator,
  rollUpGroups,
  rollUpObservations,
  rollUpPartialOf,
  rollUpPlaces,
  unitValueRange,
  type Agency,
  type Indicator,
  type Observation,
  type Period,
  type RollUpContribution,
  type RollUpGroup,
  type RollUpPartial,
  type RollUpPlaceKind,
  type RollUpPlaces,
} from '@antq/sdk';
import type { AreaRegistry, RegisterDate } from '@antq/sdk/areas';
import type { SqlExecutor } from '../storage/index.js';
import { createAreaScopes, type AreaScopes } from './area-scope.js';
import { areaVersionRef, metricTarget, type AreaVersionRef, type MetricTarget } from './area-version.js';
import { observationStore, type RollUpRow, type RollUpSummaryRow } from './observation-store.js';

/**
 * Tổng hợp chỉ tiêu — `Area.<agency>.metric(indicator, period)`: an indicator rolled up over an
 * area (its subtree and every older unit that went into it) for a period and the one before.
 *
 * Two ways to the same answer:
 * - **row by row**: every observation of the scope is read and handed to the SDK's
 *   `rollUpObservations`, once per period. Exact for any data, but a province's year is tens of
 *   thousands of rows through the driver and JavaScript;
 * - **summed**: the store sums the observations in groups (`observationStore.rollUpSummary`) —
 *   per indicator, period and class of unit, a class being the units of one register that stand
 *   alike for the target (`rollUpPlaces`: the target itself, inside it, partly inside it) at one
 *   depth — and the SDK's `rollUpGroups` applies the roll-up's rules to those few groups.
 *
 * The summed way is taken only when the groups prove it gives the row-by-row answer, checked on
 * the same statement's groups: every period string is a period of the days stored with it, no
 * two period strings share their days, no row names a residential area (the roll-up counts
 * those under their unit, where they would be duplicates of its figure), every value fits the
 * unit, and `rollUpGroups` settles both periods (no nested or overlapping periods, no figures
 * at two levels of one register, something summable, an exact sum). Otherwise the request goes
 * row by row. So does a request that selects `contributions`: they list every observation
 * summed, which only the rows give — read then, in the same statement as the value, so the
 * answer is always of one state of the store.
 *
 * The target is one version of a unit (`metricTarget`): the current unit with the code, or an
 * older one named by `on` or — for a code no current unit has — by the period. An older
 * version is read in its last register, with the figures reported after it ended read back
 * (the SDK's `rollUpPlaces`); its scope is `AreaScopes.versionScopeOf`.
 */

/** One metric asked for. */
export interface MetricRequest {
  readonly target: string;
  readonly indicator: string;
  readonly period: string;
  /** A date within the version of the target meant (see `metricTarget`); none for the current unit. */
  readonly on?: string;
  /** Whether the answer must list its contributions (the row-by-row way). */
  readonly contributions?: boolean;
}

/** The schema's MetricRollUp. */
export interface MetricRollUp {
  /** The version of the unit rolled up to. */
  readonly target: AreaVersionRef;
  readonly indicator: Indicator;
  readonly period: string;
  readonly value: number | null;
  /** Present when the request asked for them. */
  readonly contributions?: readonly RollUpContribution[];
  readonly partial: readonly RollUpPartial[];
  readonly comparison: MetricComparison | null;
}

export interface MetricComparison {
  readonly previousPeriod: string;
  readonly current: number | null;
  readonly previous: number | null;
  /** Null, as are `changePercent` and `direction`, when either period has no figure. */
  readonly change: number | null;
  readonly changePercent: number | null;
  readonly direction: string | null;
  readonly text: string;
}

/** How each request was answered (for tests and measurements). */
export type MetricPath = 'summed' | 'rows';

export interface MetricRollUpOptions {
  readonly agency: Agency;
  readonly registry: AreaRegistry;
  readonly scopeOf: (code: string) => readonly string[];
  /** The scope of an older version of a unit; `createAreaScopes(registry).versionScopeOf` when not given. */
  readonly versionScopeOf?: (code: string, register: RegisterDate) => readonly string[];
  /** Only the row-by-row way (the reference the summed way is tested against). */
  readonly rowsOnly?: boolean;
}

/**
 * Answers metric requests with as few statements as possible: one per target for the summed
 * way, one for every request that goes row by row. Returns each answer, or the error of that
 * request, in order, with the way it was answered.
 *
 * @throws like the batch it serves: a bad period or area code fails every request.
 */
export async function rollUpMetrics(
  db: SqlExecutor,
  options: MetricRollUpOptions,
  requests: readonly MetricRequest[],
): Promise<{ answers: (MetricRollUp | Error)[]; paths: MetricPath[]; codesRead: ReadonlySet<string> }> {
  const periods = requests.map((request) => {
    const period = parsePeriod(request.period);
    return { period, previous: previousPeriod(period) };
  });
  const answers: (MetricRollUp | Error)[] = new Array(requests.length);
  const paths: MetricPath[] = new Array(requests.length).fill('rows');
  const byRows: number[] = [];
  // An unknown target fails its own request only.
  const targets = requests.map((request, index) => {
    try {
      return metricTarget(options.registry, request.target, periods[index]!.period, request.on);
    } catch (error) {
      answers[index] = error as Error;
      return undefined;
    }
  });
  const versionScopeOf = options.versionScopeOf ?? defaultScopes(options.registry).versionScopeOf;
  const scopes = targets.map((target) => (target === undefined ? [] : target.register === undefined ? options.scopeOf(target.code) : versionScopeOf(target.code, target.register)));
  // Every area code a statement below filters on (the response cache's read scope).
  const codesRead = new Set(scopes.flat());

  // The summed way, one statement per target. Unknown indicators and targets go row by row,
  // which names their error.
  const byTarget = new Map<string, { plan: TargetPlan; asked: { index: number; indicator: Indicator }[] }>();
  requests.forEach((request, index) => {
    const target = targets[index];
    if (target === undefined) return;
    const plan = options.rowsOnly || request.contributions ? undefined : targetPlan(options.registry, target, scopes[index]!);
    for (const code of plan?.scope ?? []) codesRead.add(code);
    const indicator = getIndicator(request.indicator);
    if (plan === undefined || indicator === undefined) {
      byRows.push(index);
      return;
    }
    const key = targetKey(target);
    const entry = byTarget.get(key) ?? { plan, asked: [] };
    entry.asked.push({ index, indicator });
    byTarget.set(key, entry);
  });
  await Promise.all(
    [...byTarget.values()].map(async ({ plan, asked }) => {
      const groups = await observationStore.rollUpSummary(db, {
        codes: plan.scope,
        indicators: [...new Set(asked.map(({ indicator }) => indicator.code))],
        start: earliest(asked.map(({ index }) => periods[index]!.previous.start)),
        end: latest(asked.map(({ index }) => periods[index]!.period.end)),
        registers: options.registry.registers,
        classes: plan.classes.map((each) => ({ register: each.registerIndex, codes: each.codes, rowByRow: each.kind === 'partial' })),
      });
      for (const { index, indicator } of asked) {
        const ofIndicator = groups.filter((group) => group.indicator === indicator.code);
        const summed = fromGroups(plan, options.agency, indicator, periods[index]!, ofIndicator);
        if (summed === undefined) {
          byRows.push(index);
          continue;
        }
        answers[index] = metricAnswer(areaVersionRef(options.registry, plan.target.unit), indicator, periods[index]!, summed.current, summed.partial, summed.previous);
        paths[index] = 'summed';
      }
    }),
  );

  // Row by row: one statement for every target, indicator and period left.
  if (byRows.length > 0) {
    byRows.sort((a, b) => a - b);
    const rows = await observationStore.forRollUp(db, {
      codes: byRows.flatMap((index) => scopes[index]!),
      indicators: [...new Set(byRows.map((index) => requests[index]!.indicator))],
      start: earliest(byRows.map((index) => periods[index]!.previous.start)),
      end: latest(byRows.map((index) => periods[index]!.period.end)),
    });
    for (const index of byRows) {
      const request = requests[index]!;
      const scope = new Set(scopes[index]!);
      const observations = rows.filter((row) => row.indicator === request.indicator && scope.has(row.areaCode));
      try {
        answers[index] = rollUpStored({ agency: options.agency, registry: options.registry }, { ...request, target: targets[index]!, observations });
      } catch (error) {
        answers[index] = error as Error;
      }
    }
  }
  return { answers, paths, codesRead };
}

/** Builds the metric roll-up for one area, indicator and period from its rows, row by row. */
export function rollUpStored(
  options: { agency: Agency; registry: AreaRegistry },
  request: { target: MetricTarget; indicator: string; period: string; contributions?: boolean; observations: readonly RollUpRow[] },
): MetricRollUp {
  const indicator = requireIndicator(request.indicator);
  const period = parsePeriod(request.period);
  const previous = previousPeriod(period);
  const observations = request.observations.map((row): Observation => ({
    id: row.id,
    indicator: row.indicator,
    areaCode: row.areaCode,
    period: row.period,
    value: row.value,
    agency: options.agency,
    revision: row.revision,
  }));
  const { target } = request;
  const rollUp = (which: Period) =>
    rollUpObservations({
      indicator,
      observations,
      target: target.code,
      ...(target.register === undefined ? {} : { targetRegister: target.register }),
      period: formatPeriod(which),
      areas: options.registry,
    });
  const current = rollUp(period);
  const before = rollUp(previous);
  const version = areaVersionRef(options.registry, target.unit);
  return metricAnswer(version, indicator, { period, previous }, current.value, current.partial, before.value, request.contributions ? current.contributions : undefined);
}

/** Scopes for callers that give no `versionScopeOf`, one per registry. */
const fallbackScopes = new WeakMap<AreaRegistry, AreaScopes>();
function defaultScopes(registry: AreaRegistry): AreaScopes {
  let scopes = fallbackScopes.get(registry);
  if (scopes === undefined) fallbackScopes.set(registry, (scopes = createAreaScopes(registry)));
  return scopes;
}

function metricAnswer(
  target: AreaVersionRef,
  indicator: Indicator,
  periods: { period: Period; previous: Period },
  current: number | null,
  partial: readonly RollUpPartial[],
  previous: number | null,
  contributions?: readonly RollUpContribution[],
): MetricRollUp {
  // No figure for either period: nothing to compare. One figure missing: a comparison that says so (not a 0).
  const previousPeriodText = formatPeriod(periods.previous);
  const compared =
    current === null && previous === null ? null : comparePeriods({ current, previous, periods: { current: formatPeriod(periods.period), previous: previousPeriodText } });
  return {
    target,
    indicator,
    period: formatPeriod(periods.period),
    value: current,
    ...(contributions === undefined ? {} : { contributions }),
    partial,
    comparison: compared && {
      previousPeriod: previousPeriodText,
      change: compared.change,
      changePercent: compared.changePercent,
      direction: compared.direction,
      text: compared.text,
      current,
      previous,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The summed way
// ---------------------------------------------------------------------------------------------

/** Units of one register that stand alike for a target: their observations are summed together. */
interface PlaceClass {
  readonly register: RegisterDate;
  readonly registerIndex: number;
  readonly kind: Extract<RollUpPlaceKind, 'target' | 'inside' | 'partial'>;
  /** Ancestors of the units in the register. */
  readonly depth: number;
  readonly codes: string[];
}

/** Everything about a target the summed way needs besides the observations; the same for every request. */
interface TargetPlan {
  readonly target: MetricTarget;
  readonly scope: readonly string[];
  readonly places: RollUpPlaces;
  readonly classes: readonly PlaceClass[];
}

/** A target's version as a key: the code, and the register of an older version. */
function targetKey(target: MetricTarget): string {
  return target.register === undefined ? target.code : `${target.code}@${target.register}`;
}

/** Plans by target, per registry (registries do not change). */
const plans = new WeakMap<AreaRegistry, Map<string, TargetPlan | undefined>>();

/**
 * The classes of the target's scope: every unit of every register, placed for the target;
 * those whose observations can count (wholly or in part) grouped by register, kind and depth.
 * Undefined when the summed way cannot serve the target: not in the latest register (the row
 * by row roll-up names that error), or registers not in date order.
 */
function targetPlan(registry: AreaRegistry, target: MetricTarget, scope: readonly string[]): TargetPlan | undefined {
  let byTarget = plans.get(registry);
  if (byTarget === undefined) plans.set(registry, (byTarget = new Map()));
  const key = targetKey(target);
  const known = byTarget.get(key);
  if (known !== undefined && known.scope === scope) return known;
  if (byTarget.has(key) && known === undefined) return undefined;

  const registers = registry.registers;
  let plan: TargetPlan | undefined;
  if (registers.every((register, index) => index === 0 || registers[index - 1]! < register)) {
    try {
      const places = rollUpPlaces(registry, target.code, target.register === undefined ? {} : { register: target.register });
      const classes = new Map<string, PlaceClass>();
      for (const code of scope) {
        registers.forEach((register, registerIndex) => {
          const place = places.placeOf(code, register);
          if (place.kind !== 'target' && place.kind !== 'inside' && place.kind !== 'partial') return;
          const depth = place.upCodes.length - 1;
          const key = `${registerIndex}|${place.kind}|${depth}`;
          const known = classes.get(key);
          if (known) known.codes.push(code);
          else classes.set(key, { register, registerIndex, kind: place.kind, depth, codes: [code] });
        });
      }
      plan = { target, scope, places, classes: [...classes.values()] };
    } catch {
      plan = undefined;
    }
  }
  byTarget.set(key, plan);
  return plan;
}

/** Period strings read, parsed (null: not a period). Bounded, as the strings come from the store. */
const periodStrings = new Map<string, Period | null>();

function periodOfString(text: string): Period | null {
  let period = periodStrings.get(text);
  if (period === undefined) {
    period = isPeriodString(text) ? parsePeriod(text) : null;
    if (periodStrings.size < 10_000) periodStrings.set(text, period);
  }
  return period;
}

/**
 * The values of both periods and the current period's partial list from the groups of one
 * request's indicator, or undefined when they cannot be trusted to be the row-by-row answer.
 */
function fromGroups(
  plan: TargetPlan,
  agency: Agency,
  indicator: Indicator,
  periods: { period: Period; previous: Period },
  groups: readonly RollUpSummaryRow[],
): { current: number | null; previous: number | null; partial: RollUpPartial[] } | undefined {
  // Every period string read must be a period of its stored days, and no two may share them:
  // the roll-up reads the string, and would take two strings of the same days for one figure.
  const stringsByDays = new Map<string, string>();
  for (const group of groups) {
    const parsed = periodOfString(group.period);
    if (parsed === null || parsed.start !== group.startDay || parsed.end !== group.endDay) return undefined;
    const days = `${group.startDay}/${group.endDay}`;
    const seen = stringsByDays.get(days);
    if (seen !== undefined && seen !== group.period) return undefined;
    stringsByDays.set(days, group.period);
  }

  const range = unitValueRange(indicator.unit);
  const fits = (group: RollUpSummaryRow) => group.minValue >= 0 && group.maxValue <= range.max && (!range.whole || group.fractional === 0);
  const valueOf = (period: Period): { value: number | null; inside: RollUpSummaryRow[] } | undefined => {
    const inside = groups.filter((group) => group.placeClass > 0 && period.start <= group.startDay && group.endDay <= period.end);
    if (inside.some((group) => group.residential > 0 || !fits(group))) return undefined;
    const summable: RollUpGroup[] = [];
    for (const group of inside) {
      const placeClass = plan.classes[group.placeClass - 1]!;
      if (placeClass.kind === 'partial') continue;
      summable.push({
        place: placeClass.kind,
        register: placeClass.register,
        depth: placeClass.depth,
        period: group.startDay === period.start && group.endDay === period.end ? 'exact' : 'inside',
        count: group.count,
        sum: group.sum,
        fractional: group.fractional,
      });
    }
    const result = rollUpGroups({
      indicator,
      period,
      groups: summable,
      periods: inside.filter((group) => plan.classes[group.placeClass - 1]!.kind !== 'partial').map((group) => ({ start: group.startDay, end: group.endDay })),
    });
    return result.settled ? { value: result.value, inside } : undefined;
  };

  const current = valueOf(periods.period);
  const previous = current && valueOf(periods.previous);
  if (current === undefined || previous === undefined) return undefined;
  const partial = current.inside.flatMap((group) => {
    const placeClass = plan.classes[group.placeClass - 1]!;
    if (placeClass.kind !== 'partial' || group.row === undefined) return [];
    const observation: Observation = {
      id: group.row.id,
      indicator: indicator.code,
      areaCode: group.row.areaCode,
      period: group.period,
      value: group.sum,
      agency,
      revision: group.row.revision,
    };
    return [rollUpPartialOf(observation, plan.places.placeOf(group.row.areaCode, placeClass.register))];
  });
  return { current: current.value, previous: previous.value, partial };
}

function earliest(days: readonly string[]): string {
  return days.reduce((a, b) => (b < a ? b : a));
}

function latest(days: readonly string[]): string {
  return days.reduce((a, b) => (b > a ? b : a));
}
