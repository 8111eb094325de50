import type { Indicator, RegisterDate } from '../domain/types.js';
import { toPeriod, type PeriodLike } from '../periods/period.js';
import type { RollUpPlaceKind } from './roll-up-place.js';
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- for the {@link} below
import type { rollUpObservations } from './roll-up.js';

/**
 * Tổng hợp từ số liệu đã gộp — the value of a roll-up from observations summed in groups (by a
 * store's `GROUP BY`), with the rules of {@link rollUpObservations}, or the answer that the
 * groups cannot settle it and the observations must be rolled up one by one.
 *
 * Rules 1–5 act on each observation alone, so a store can apply them while it groups; rules 6
 * (no double counting) and 7 (summability) relate observations to each other. This module
 * settles them on groups only when the groups prove that the row-by-row roll-up would give the
 * same value: whenever the shape of the data leaves room for a different outcome, it says so
 * instead of guessing.
 */

/**
 * Observations of one indicator that share everything the roll-up of one period looks at:
 * where their areas stand for the target, the register, the depth of their units, and whether
 * their periods are the target period.
 *
 * What the caller vouches for, for every observation counted in a group:
 * - it is of the indicator, its period string is a period, and the period's days are the ones
 *   the group was formed by (rules 1 and 4);
 * - it is the only observation of its figure (indicator, area, residential area, period's days):
 *   no revision, duplicate or conflict to settle (rule 2);
 * - its value fits the unit (`unitValueRange`, rule 3); observations that do not are left out
 *   of every group, as the roll-up leaves them out;
 * - its period lies inside the target period (rule 4) and its place, for the unit its area code
 *   names in the register in force at the period's start, is `target` or `inside` (rule 5);
 * - it has no residential area (one at the target would not be "the target itself").
 */
export interface RollUpGroup {
  readonly place: Extract<RollUpPlaceKind, 'target' | 'inside'>;
  /** The register the observations' areas were read in. */
  readonly register: RegisterDate;
  /** How many ancestors their units have in `register` (units of one depth never contain one another). */
  readonly depth: number;
  /** `exact` when every period is the target period, `inside` when every period lies inside it without being it. */
  readonly period: 'exact' | 'inside';
  readonly count: number;
  /** The sum of the values. */
  readonly sum: number;
  /** How many of the values are not whole numbers. */
  readonly fractional: number;
}

/** Options of {@link rollUpGroups}. */
export interface RollUpGroupsOptions {
  readonly indicator: Indicator;
  /** The target period. */
  readonly period: PeriodLike;
  readonly groups: readonly RollUpGroup[];
  /**
   * The periods (their days) of the observations in the groups, repeats allowed; more periods
   * only make the answer more cautious.
   */
  readonly periods: readonly { readonly start: string; readonly end: string }[];
}

/** The value the row-by-row roll-up would give, or why the groups cannot tell. */
export type RollUpGroupsResult = { readonly settled: true; readonly value: number | null } | { readonly settled: false; readonly reason: string };

/**
 * The value of the roll-up of `groups` for the target period, when the groups settle it.
 *
 * Settled when:
 * - **rule 6 drops nothing**: the distinct periods inside the target period are pairwise
 *   disjoint, so two observations of one unit never cover or overlap each other (there is one
 *   observation per unit and period), and in each register all units are of one depth, so no
 *   unit contains another. Otherwise (a commune's months under its own year figure, a district's
 *   figure next to its communes') the observations have to be compared one by one;
 * - **rule 7** leaves something to sum: when everything would be refused, the roll-up throws
 *   `NOT_SUMMABLE` naming the observations, which only the observations can tell;
 * - **the sum is exact in any order**: the store adds up each group in its own order, so with
 *   more than one value summed they must be whole numbers with a safe total. A whole-unit total
 *   above `Number.MAX_SAFE_INTEGER` is the roll-up's `NOT_SUMMABLE` error, also left to it.
 */
export function rollUpGroups(options: RollUpGroupsOptions): RollUpGroupsResult {
  const { indicator, groups } = options;
  const period = toPeriod(options.period);
  const unsettled = (reason: string): RollUpGroupsResult => ({ settled: false, reason });

  // Rule 6. Distinct periods inside the target, by start: disjoint when each starts after every earlier one ends.
  const inside = options.periods
    .filter((each) => period.start <= each.start && each.end <= period.end)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
  let lastEnd: string | undefined;
  for (const [index, each] of inside.entries()) {
    const before = inside[index - 1];
    if (before !== undefined && before.start === each.start && before.end === each.end) continue;
    if (lastEnd !== undefined && each.start <= lastEnd) return unsettled(`periods ending ${lastEnd} and starting ${each.start} nest or overlap`);
    if (lastEnd === undefined || each.end > lastEnd) lastEnd = each.end;
  }
  const depths = new Map<RegisterDate, number>();
  for (const group of groups) {
    if (group.count === 0) continue;
    const depth = depths.get(group.register);
    if (depth !== undefined && depth !== group.depth) return unsettled(`figures at several levels of the register of ${group.register}`);
    depths.set(group.register, group.depth);
  }

  // Rule 7, then the sum.
  let value: number | null = null;
  let summed = 0;
  let refused = 0;
  let fractional = 0;
  for (const group of groups) {
    if (group.count === 0) continue;
    const areasAllowed = group.place === 'target' || indicator.summableOverAreas;
    const periodsAllowed = group.period === 'exact' || indicator.summableOverPeriods;
    if (areasAllowed && periodsAllowed) {
      value = (value ?? 0) + group.sum;
      summed += group.count;
      fractional += group.fractional;
    } else {
      refused += group.count;
    }
  }
  if (summed === 0 && refused > 0) return unsettled(`indicator ${indicator.code} refuses every sum the data would need`);
  if (summed > 1 && (fractional > 0 || value! > Number.MAX_SAFE_INTEGER)) return unsettled('the sum is not exact in every order');
  return { settled: true, value };
}
