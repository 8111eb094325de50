import type { AreaGraph, LineageLink, LineageRelation } from '../domain/area-graph.js';
import type { Indicator, IndicatorUnit, Observation, Period, RegisterDate } from '../domain/types.js';
import { AntqError, ErrorCode } from '../errors.js';
import { formatPeriod, isPeriodString, parsePeriod, toPeriod, type PeriodLike } from '../periods/period.js';
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- resolveAreaForward is for a {@link} in a doc comment
import type { AreaWidening, resolveAreaForward } from './resolve-area-forward.js';
import { rollUpPlaces, type RollUpPlace } from './roll-up-place.js';

/**
 * Tổng hợp số liệu — rolling observations of one indicator up to one area of the latest
 * register and one period.
 *
 * Every observation passed in ends up in exactly one of `contributions` (summed), `partial`
 * (only part of its area lies in the target, so it cannot be summed) or `excluded` (with a
 * reason). See {@link rollUpObservations} for the rules.
 */

/** How an observation reaches the target. */
export type RollUpVia =
  /** Its area is the target, in the latest register, unchanged. */
  | 'self'
  /** Its area lies below the target (or is a residential area of it), with no reform in between. */
  | 'hierarchy'
  /** Its area was reformed on the way (merged, split, renamed or abolished) and is followed through lineage. */
  | 'lineage';

/** Why an observation is not summed. */
export type RollUpExclusionReason =
  /** It is about another indicator. */
  | 'other_indicator'
  /** Its period string is not a period. */
  | 'invalid_period'
  /** A higher revision of the same figure (indicator, area, period) exists. */
  | 'superseded'
  /** Another record has the same figure with the same revision and value; that one is counted. */
  | 'duplicate'
  /** Several records claim the latest revision of the same figure with different values. */
  | 'conflicting_revisions'
  /** Its value does not fit the indicator's unit (not finite, negative, a fraction of a count …). */
  | 'invalid_value'
  /** Its period shares no day with the target period. */
  | 'period_outside'
  /** Its period overlaps the target period without lying inside it; a value cannot be split by day. */
  | 'period_overlaps'
  /** Its area is not in the register in force at its period's start. */
  | 'area_unknown'
  /** Its area (and every ancestor) has no successor in a later register. */
  | 'area_unresolved'
  /** Its area covers more than the target (a district figure when asking for a commune). */
  | 'area_above_target'
  /** Its area lies outside the target. */
  | 'area_outside'
  /** Another observation counted covers its area and its period, so it is already in the sum. */
  | 'covered_by_other'
  /** It overlaps another observation in area and period without either covering the other. */
  | 'overlaps_other'
  /** Counting it would add up areas, which the indicator refuses. */
  | 'not_summable_over_areas'
  /** Counting it would add up periods, which the indicator refuses. */
  | 'not_summable_over_periods';

/** What identifies an observation in a roll-up result. */
export interface RollUpObservationFacts {
  readonly observationId: string;
  readonly areaCode: string;
  readonly residentialAreaId?: string;
  /** The observation's period as it was given. */
  readonly period: string;
  readonly value: number;
  readonly revision: number;
}

/** An observation summed into the result. */
export interface RollUpContribution extends RollUpObservationFacts {
  readonly via: RollUpVia;
  /** Lineage links followed to the latest register (unchanged links included); empty when none. */
  readonly chain: readonly LineageLink[];
  /** Steps up the hierarchy made because a unit had no successor. */
  readonly widenings: readonly AreaWidening[];
  /** Units of the latest register its area resolves into; all are the target or lie below it. */
  readonly resolvedAreaCodes: readonly string[];
}

/** A unit of the latest register that (part of) a partial observation's area went into. */
export interface RollUpPartialUnit {
  readonly code: string;
  /** `partial` when only part of the old area went into it (a link on the way was partial). */
  readonly relation: LineageRelation;
  /** The day of the last change on the way into it. */
  readonly effectiveOn: string;
  /** The instruments of the changes on the way, oldest first, each once. */
  readonly resolutions: readonly string[];
  /** The changes on the way into it (no unchanged continuations), oldest first. */
  readonly chain: readonly LineageLink[];
}

/** An observation whose area lies only partly in the target: reported, never summed. */
export interface RollUpPartial extends RollUpObservationFacts {
  /** The relation of the lineage followed: `partial` when a link was partial (a split commune). */
  readonly relation: LineageRelation;
  /**
   * Every unit of the latest register (the target's, see {@link RollUpResult.register}) its area
   * resolves into; for an area of a later register than an ended target's, the units of the
   * target's register it was made from.
   */
  readonly resolvedAreaCodes: readonly string[];
  /** Those of them that are the target or lie below it. */
  readonly insideTarget: readonly string[];
  /** Each of `resolvedAreaCodes` with the lineage that leads into it: where the split unit went (empty when read back). */
  readonly into: readonly RollUpPartialUnit[];
  readonly chain: readonly LineageLink[];
  readonly widenings: readonly AreaWidening[];
}

/** An observation left out, and why. */
export interface RollUpExclusion {
  readonly observationId: string;
  readonly reason: RollUpExclusionReason;
  /** The reason in words, e.g. "covers more than the target". */
  readonly message: string;
  /** The observation that supersedes, covers or overlaps this one, where there is one. */
  readonly relatedObservationId?: string;
}

/** Options of {@link rollUpObservations}. */
export interface RollUpOptions {
  /** The indicator to roll up; observations of other indicators are excluded. */
  readonly indicator: Indicator;
  readonly observations: readonly Observation[];
  /** Code of the target area in the latest register of `areas`, or in `targetRegister`. */
  readonly target: string;
  /**
   * A register the target stands in, for a unit that has since ended (Tỉnh Long An 80 in the
   * register of 2024-11-01, Huyện Lâm Hà 676); the latest register by default. See rule 5.
   */
  readonly targetRegister?: RegisterDate;
  /** The target period (string form or object). */
  readonly period: PeriodLike;
  readonly areas: AreaGraph;
}

/** The result of a roll-up (tổng hợp). */
export interface RollUpResult {
  /** Code of the indicator rolled up. */
  readonly indicator: string;
  readonly target: string;
  /** The register the target was read in: the latest of `areas`, or the last its version stands in. */
  readonly register: RegisterDate;
  /** The target period in its string form. */
  readonly period: string;
  /** Sum of the contributions; `null` when nothing contributed. */
  readonly value: number | null;
  readonly contributions: readonly RollUpContribution[];
  readonly partial: readonly RollUpPartial[];
  readonly excluded: readonly RollUpExclusion[];
}

/** What the roll-up knows about an observation still in the running. */
interface Candidate {
  readonly index: number;
  readonly observation: Observation;
  readonly period: Period;
  readonly register: RegisterDate;
  /** Where its area stands for the target (rule 5): `target` or `inside`. */
  readonly place: RollUpPlace;
}

// Periods here are already checked, so ISO dates compare as strings.
function contains(outer: Period, inner: Period): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}
function overlaps(a: Period, b: Period): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Records why the observation at `index` is left out. */
type Exclude = (index: number, reason: RollUpExclusionReason, message: string, related?: string) => void;

const WHOLE_UNITS: ReadonlySet<IndicatorUnit> = new Set(['count', 'vnd']);

/** The values an indicator unit admits (rule 3): from 0 to `max`, both included, and whole numbers only when `whole`. */
export interface UnitValueRange {
  readonly max: number;
  readonly whole: boolean;
}

/**
 * The values `unit` admits: counts and VND are safe whole numbers of 0 or more, percentages
 * 0–100, ratios finite numbers of 0 or more. Given as bounds so that a store can check values
 * where they are kept (`value BETWEEN 0 AND max`) exactly as the roll-up does.
 */
export function unitValueRange(unit: IndicatorUnit): UnitValueRange {
  if (WHOLE_UNITS.has(unit)) return { max: Number.MAX_SAFE_INTEGER, whole: true };
  return { max: unit === 'percent' ? 100 : Number.MAX_VALUE, whole: false };
}

function fitsUnit(unit: IndicatorUnit, value: number): boolean {
  const range = unitValueRange(unit);
  // NaN fails both comparisons, ±Infinity one of them.
  return typeof value === 'number' && value >= 0 && value <= range.max && (!range.whole || Number.isInteger(value));
}

function describe(observation: Observation): string {
  const where = observation.residentialAreaId === undefined ? observation.areaCode : `${observation.areaCode} (${observation.residentialAreaId})`;
  return `observation ${observation.id} (${where}, ${observation.period})`;
}

/** The entry of `partial` for an observation whose area lies only partly in the target (a place of kind `partial`). */
export function rollUpPartialOf(observation: Observation, place: RollUpPlace): RollUpPartial {
  return {
    ...factsOf(observation),
    relation: place.resolution.relation,
    resolvedAreaCodes: place.resolution.units,
    insideTarget: place.insideTarget,
    // A unit after the target ended was not split: it took in part of the target's territory.
    into: place.after ? [] : place.resolution.units.map((code) => unitReached(place.resolution.chain, code, place.resolution.register)),
    chain: place.resolution.chain,
    widenings: place.resolution.widenings,
  };
}

/**
 * How the followed lineage `chain` reached the latest unit `code`: the links on the way into it,
 * walked back from it to the register the area was read in.
 */
function unitReached(chain: readonly LineageLink[], code: string, register: RegisterDate): RollUpPartialUnit {
  const onTheWay = new Set<LineageLink>();
  const latest = chain.reduce((max, link) => (link.toRegister > max ? link.toRegister : max), register);
  let frontier = chain.filter((link) => link.to === code && link.toRegister === latest);
  while (frontier.length > 0) {
    for (const link of frontier) onTheWay.add(link);
    const reached = frontier;
    frontier = chain.filter((link) => !onTheWay.has(link) && reached.some((later) => later.from === link.to && later.fromRegister === link.toRegister));
  }
  const changes = chain.filter((link) => onTheWay.has(link) && link.unchanged !== true);
  return {
    code,
    relation: [...onTheWay].some((link) => link.relation === 'partial') ? 'partial' : 'full',
    effectiveOn: changes.reduce((last, link) => (link.effectiveOn > last ? link.effectiveOn : last), changes[0]?.effectiveOn ?? latest),
    resolutions: [...new Set(changes.flatMap((link) => (link.resolution === undefined ? [] : [link.resolution])))],
    chain: changes,
  };
}

function factsOf(observation: Observation): RollUpObservationFacts {
  return {
    observationId: observation.id,
    areaCode: observation.areaCode,
    ...(observation.residentialAreaId === undefined ? {} : { residentialAreaId: observation.residentialAreaId }),
    period: observation.period,
    value: observation.value,
    revision: observation.revision,
  };
}

/** Whether `a`'s area contains `b`'s: same register, and `a`'s unit is `b`'s or an ancestor of it (residential areas respected). */
function areaCovers(a: Candidate, b: Candidate): boolean {
  if (a.register !== b.register) return false;
  const aResidential = a.observation.residentialAreaId;
  if (aResidential !== undefined) {
    return b.observation.areaCode === a.observation.areaCode && b.observation.residentialAreaId === aResidential;
  }
  return b.place.upCodes.includes(a.observation.areaCode);
}

/**
 * Rolls observations of one indicator up to a target area of the latest register and a target
 * period (tổng hợp theo địa bàn và kỳ).
 *
 * Rules, in the order they are applied to each observation:
 * 1. **Indicator.** Observations of other indicators are excluded (`other_indicator`).
 * 2. **Revisions.** Per figure — indicator, area, residential area and period (by its days, so
 *    `2023` and `2023-01-01/2023-12-31` are one figure) — only the highest revision counts; lower
 *    ones are `superseded`. Equal top revisions count once when their values agree
 *    (`duplicate`), and not at all when they differ (`conflicting_revisions`).
 * 3. **Value.** It must fit the indicator's unit: counts and VND are safe whole numbers of 0 or
 *    more, percentages 0–100, ratios 0 or more (`invalid_value`).
 * 4. **Period.** Equal to the target period, or inside it. Overlapping without being inside is
 *    `period_overlaps` (a value cannot be split by day); no common day is `period_outside`.
 * 5. **Area.** The area is read in the register in force when the observation's period starts
 *    (`areas.registerOn(start)`) and followed forward to the latest register
 *    ({@link resolveAreaForward}): lineage links register by register, and for a unit abolished
 *    without successor, its nearest ancestor that has one (an abolished district goes through its
 *    province). When every unit it resolves into is the target or lies below it, the observation
 *    counts in full. When only some do (a commune split between the target and another unit) it
 *    is listed in `partial` and not summed. When none do, it is `area_above_target` if one of them
 *    contains the target ("covers more than the target"), else `area_outside`.
 *    A target that has since ended (`targetRegister`) is read in the last register its version
 *    stands in, and areas are followed forward to that register instead; areas of later
 *    registers are read back to the units of that register they were made from, with the same
 *    rules (wholly from inside the target: in full; partly: `partial`; the whole target and
 *    more: `area_above_target`). See {@link rollUpPlaces}.
 * 6. **No double counting.** Among observations read in the same register, one whose area and
 *    period are both covered by another's (a commune's May figure under its district's year
 *    figure) is `covered_by_other`; two that overlap in area and period without either covering
 *    the other are both `overlaps_other`, since no sum of them is right.
 * 7. **Summability.** Adding up several areas (anything but the target itself: unchanged, or an
 *    older unit that became exactly the target, see `RollUpPlaceKind`) needs
 *    `indicator.summableOverAreas`; adding up periods (any period other than the target period)
 *    needs `summableOverPeriods`. Observations that need a refused summing are excluded
 *    (`not_summable_over_areas` / `not_summable_over_periods`) when others can answer; when none
 *    can, the roll-up throws `NOT_SUMMABLE`, since `null` would hide that data exist. A single
 *    observation exactly at the target for exactly the period is not a sum and is returned as is.
 *
 * Sums of whole units (counts, VND) stay safe integers.
 *
 * @throws AntqError `INVALID_PERIOD` for a bad target period; `UNKNOWN_AREA` when the target is
 *   not in the latest register; `NOT_SUMMABLE` naming the indicator and the summing it refuses,
 *   or when a sum of whole units exceeds `Number.MAX_SAFE_INTEGER`.
 */
export function rollUpObservations(options: RollUpOptions): RollUpResult {
  const { indicator, observations, target, areas } = options;
  const period = toPeriod(options.period);
  const periodText = formatPeriod(period);
  const places = rollUpPlaces(areas, target, options.targetRegister === undefined ? {} : { register: options.targetRegister });

  const exclusions = new Map<number, RollUpExclusion>();
  const exclude: Exclude = (index, reason, message, related) => {
    exclusions.set(index, { observationId: observations[index]!.id, reason, message, ...(related === undefined ? {} : { relatedObservationId: related }) });
  };

  // 1–2. Indicator, period string, revisions.
  const periods = selectLatestRevisions(indicator, observations, exclude);

  // 3–5. Value, period, area.
  const partials = new Map<number, RollUpPartial>();
  const candidates: Candidate[] = [];
  for (const [index, observed] of periods) {
    const observation = observations[index]!;
    if (!fitsUnit(indicator.unit, observation.value)) {
      exclude(index, 'invalid_value', `has value ${String(observation.value)}, which does not fit unit ${indicator.unit}`);
      continue;
    }
    if (!overlaps(period, observed)) {
      exclude(index, 'period_outside', `period ${observation.period} is outside ${periodText}`);
      continue;
    }
    if (!contains(period, observed)) {
      exclude(index, 'period_overlaps', `period ${observation.period} overlaps ${periodText} without lying inside it; a value cannot be split by day`);
      continue;
    }
    const register = areas.registerOn(observed.start);
    const place = places.placeOf(observation.areaCode, register);
    const { resolution } = place;
    switch (place.kind) {
      case 'unknown':
        exclude(index, 'area_unknown', `area ${observation.areaCode} is not in the register of ${register}, in force on ${observed.start}`);
        break;
      case 'unresolved':
        exclude(index, 'area_unresolved', `area ${observation.areaCode} of the register of ${register} has no successor in the latest register, nor has any ancestor`);
        break;
      case 'target':
      case 'inside':
        candidates.push({ index, observation, period: observed, register, place });
        break;
      case 'partial':
        partials.set(index, rollUpPartialOf(observation, place));
        break;
      case 'above':
        exclude(
          index,
          'area_above_target',
          place.after
            ? `covers more than the target: area ${observation.areaCode} took in the whole of ${target}, and more`
            : `covers more than the target: area ${observation.areaCode} resolves to ${resolution.units.join(', ')}, which contains ${target}`,
        );
        break;
      case 'outside':
        exclude(
          index,
          'area_outside',
          place.after
            ? `area ${observation.areaCode} was made from ${resolution.units.join(', ')}, outside ${target}`
            : `area ${observation.areaCode} resolves to ${resolution.units.join(', ')}, outside ${target}`,
        );
        break;
    }
  }

  // 6. No double counting.
  const remaining = removeDoubleCounting(candidates, exclude);

  // 7. Summability, then the sum.
  const summed = applySummability({ indicator, target, period }, remaining, exclude);
  const value = sumValues({ indicator, target, period }, summed);

  const contributions = summed.map(({ observation, place: { resolution } }): RollUpContribution => ({
    ...factsOf(observation),
    via: resolution.unchanged ? (observation.areaCode === target && observation.residentialAreaId === undefined ? 'self' : 'hierarchy') : 'lineage',
    chain: resolution.chain,
    widenings: resolution.widenings,
    resolvedAreaCodes: resolution.units,
  }));
  return {
    indicator: indicator.code,
    target,
    register: places.latest,
    period: periodText,
    value,
    contributions,
    partial: [...partials.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry),
    excluded: [...exclusions.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry),
  };
}

/** The target of a roll-up, as the summing steps see it. */
interface RollUpTarget {
  readonly indicator: Indicator;
  readonly target: string;
  readonly period: Period;
}

/**
 * Rule 7: keeps the observations whose summing the indicator allows. Those needing a refused
 * summing are excluded, unless none are left, in which case it throws `NOT_SUMMABLE`.
 */
function applySummability({ indicator, target, period }: RollUpTarget, candidates: readonly Candidate[], exclude: Exclude): Candidate[] {
  const periodText = formatPeriod(period);
  const summed: Candidate[] = [];
  const refused: { candidate: Candidate; kinds: ('areas' | 'periods')[] }[] = [];
  for (const candidate of candidates) {
    const kinds: ('areas' | 'periods')[] = [];
    const { observation } = candidate;
    const exactArea = candidate.place.kind === 'target' && observation.residentialAreaId === undefined;
    const exactPeriod = candidate.period.start === period.start && candidate.period.end === period.end;
    if (!exactArea && !indicator.summableOverAreas) kinds.push('areas');
    if (!exactPeriod && !indicator.summableOverPeriods) kinds.push('periods');
    if (kinds.length === 0) summed.push(candidate);
    else refused.push({ candidate, kinds });
  }
  if (summed.length === 0 && refused.length > 0) {
    const kinds = [...new Set(refused.flatMap((entry) => entry.kinds))].sort();
    const shown = refused.slice(0, 5).map((entry) => describe(entry.candidate.observation));
    if (refused.length > shown.length) shown.push(`${refused.length - shown.length} more`);
    throw new AntqError(
      ErrorCode.NOT_SUMMABLE,
      `Indicator ${indicator.code} cannot be summed over ${kinds.join(' or ')}: the data for ${target} in ${periodText} are ${shown.join(', ')}, and using them would need a sum over ${kinds.join(' and ')}. Ask for the area and period they were reported for.`,
      { details: { indicator: indicator.code, target, period: periodText, refuses: kinds, observationIds: refused.map((entry) => entry.candidate.observation.id) } },
    );
  }
  for (const { candidate, kinds } of refused) {
    const why = kinds.map((kind) =>
      kind === 'areas' ? `area ${candidate.observation.areaCode} is not ${target} itself` : `period ${candidate.observation.period} is not ${periodText}`,
    );
    exclude(
      candidate.index,
      kinds[0] === 'areas' ? 'not_summable_over_areas' : 'not_summable_over_periods',
      `indicator ${indicator.code} cannot be summed over ${kinds.join(' or ')}, and ${why.join(' and ')}`,
    );
  }
  return summed;
}

/** The sum of the values, `null` for none. Sums of whole units must stay safe integers. */
function sumValues({ indicator, target, period }: RollUpTarget, summed: readonly Candidate[]): number | null {
  let value: number | null = null;
  for (const { observation } of summed) {
    value = (value ?? 0) + observation.value;
    if (WHOLE_UNITS.has(indicator.unit) && !Number.isSafeInteger(value)) {
      const periodText = formatPeriod(period);
      throw new AntqError(
        ErrorCode.NOT_SUMMABLE,
        `The sum of ${indicator.code} for ${target} in ${periodText} exceeds ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER) and cannot be held exactly. Roll up a smaller area or period.`,
        { details: { indicator: indicator.code, target, period: periodText, reason: 'unsafe_integer' } },
      );
    }
  }
  return value;
}

/**
 * Rules 1–2: keeps observations of the indicator with a valid period string, and of each figure
 * only its latest revision. Returns their parsed periods by index, in input order.
 */
function selectLatestRevisions(indicator: Indicator, observations: readonly Observation[], exclude: Exclude): Map<number, Period> {
  const figures = new Map<string, number[]>();
  const periods = new Map<number, Period>();
  observations.forEach((observation, index) => {
    if (observation.indicator !== indicator.code) {
      exclude(index, 'other_indicator', `is about indicator ${observation.indicator}, not ${indicator.code}`);
      return;
    }
    if (!isPeriodString(observation.period)) {
      exclude(index, 'invalid_period', `has period "${observation.period}", which is not a period`);
      return;
    }
    const observed = parsePeriod(observation.period);
    periods.set(index, observed);
    const key = [observation.areaCode, observation.residentialAreaId ?? '', observed.start, observed.end].join('|');
    const group = figures.get(key);
    if (group === undefined) figures.set(key, [index]);
    else group.push(index);
  });

  const dropped = new Set<number>();
  for (const group of figures.values()) {
    const top = group.reduce((max, index) => Math.max(max, observations[index]!.revision), Number.NEGATIVE_INFINITY);
    const winners = group.filter((index) => observations[index]!.revision === top);
    const winner = observations[winners[0]!]!;
    for (const index of group) {
      if (observations[index]!.revision !== top) {
        dropped.add(index);
        exclude(index, 'superseded', `superseded by revision ${top} (observation ${winner.id})`, winner.id);
      }
    }
    if (winners.every((index) => Object.is(observations[index]!.value, winner.value))) {
      for (const index of winners.slice(1)) {
        dropped.add(index);
        exclude(index, 'duplicate', `repeats revision ${top} of observation ${winner.id} with the same value`, winner.id);
      }
    } else {
      for (const index of winners) {
        dropped.add(index);
        exclude(index, 'conflicting_revisions', `${winners.length} records claim revision ${top} of this figure with different values`);
      }
    }
  }
  for (const index of dropped) periods.delete(index);
  return periods;
}

/**
 * Rule 6: drops observations already counted by another (covered in area and period) and
 * observations that overlap another without either covering the other. Returns the rest, in order.
 */
function removeDoubleCounting(candidates: readonly Candidate[], exclude: Exclude): Candidate[] {
  const byArea = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const key = `${candidate.register}|${candidate.observation.areaCode}`;
    const list = byArea.get(key);
    if (list === undefined) byArea.set(key, [candidate]);
    else list.push(candidate);
  }
  const coveredBy = new Map<number, Candidate[]>();
  const overlapsWith = new Map<number, Candidate>();
  for (const inner of candidates) {
    for (const code of inner.place.upCodes) {
      for (const outer of byArea.get(`${inner.register}|${code}`) ?? []) {
        if (outer === inner || !areaCovers(outer, inner)) continue;
        if (contains(outer.period, inner.period)) {
          coveredBy.set(inner.index, [...(coveredBy.get(inner.index) ?? []), outer]);
        } else if (overlaps(outer.period, inner.period) && !(areaCovers(inner, outer) && contains(inner.period, outer.period))) {
          overlapsWith.set(inner.index, outer);
          overlapsWith.set(outer.index, inner);
        }
      }
    }
  }
  for (const candidate of candidates) {
    const other = overlapsWith.get(candidate.index);
    if (other !== undefined) {
      exclude(
        candidate.index,
        'overlaps_other',
        `overlaps ${describe(other.observation)} in area and period without either covering the other, so no sum of them is right`,
        other.observation.id,
      );
    }
  }
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    if (overlapsWith.has(candidate.index)) continue;
    // Name a covering observation that is itself counted when there is one.
    const outers = (coveredBy.get(candidate.index) ?? []).filter((outer) => !overlapsWith.has(outer.index));
    const outer = outers.find((each) => !coveredBy.has(each.index)) ?? outers[0];
    if (outer !== undefined) {
      exclude(candidate.index, 'covered_by_other', `already counted in ${describe(outer.observation)}, which covers its area and period`, outer.observation.id);
      continue;
    }
    kept.push(candidate);
  }
  return kept;
}
