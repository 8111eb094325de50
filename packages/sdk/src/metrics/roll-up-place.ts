import type { AreaGraph, LineageLink, LineageRelation } from '../domain/area-graph.js';
import type { RegisterDate } from '../domain/types.js';
import { AntqError, ErrorCode } from '../errors.js';
import { resolveAreaForward, type AreaResolution } from './resolve-area-forward.js';

/**
 * Whether a unit is the target itself, the same territory: the target unchanged, or a unit whose
 * lineage leads to the target alone, through full links only, each the sole link into the unit it
 * reaches (no other unit merged in, nothing split off). Without `predecessorLinks` on the graph
 * only the unchanged target counts.
 */
function isTargetItself(areas: AreaGraph, code: string, target: string, resolution: AreaResolution): boolean {
  if (resolution.unchanged) return code === target;
  if (resolution.units.length !== 1 || resolution.units[0] !== target || resolution.relation !== 'full' || resolution.widenings.length > 0) return false;
  const predecessorLinks = areas.predecessorLinks?.bind(areas);
  if (predecessorLinks === undefined) return false;
  return resolution.chain.every((link) => predecessorLinks(link.to, link.toRegister).every((into) => into.from === link.from));
}

/**
 * Vị trí địa bàn trong tổng hợp — where the observations of one unit, read in one register, stand
 * for a roll-up target: rule 5 of {@link rollUpObservations}, on its own.
 *
 * The place depends only on the unit, the register and the target, never on an observation's
 * value or period (beyond the register its start falls in). So a store can work it out once per
 * unit and register and sum many observations of a place together; the row-by-row roll-up uses
 * the very same function, so both agree on every unit.
 */

/** How the observations of a unit count towards the target. */
export type RollUpPlaceKind =
  /**
   * The target itself: unchanged up to the latest register, or an older unit that became exactly
   * the target (every link on the way full and the only link into the unit it leads to: Nghệ An
   * 40 of 2024 is Nghệ An 40 of 2025). Its figures need no sum over areas.
   */
  | 'target'
  /** Every unit it resolves into is the target or lies below it: its figures count in full. */
  | 'inside'
  /** Only some of the units it resolves into lie in the target: listed in `partial`, never summed. */
  | 'partial'
  /** It resolves into units that contain the target ("covers more than the target"). */
  | 'above'
  /** It resolves into units outside the target. */
  | 'outside'
  /** The register has no such unit. */
  | 'unknown'
  /** Neither the unit nor any ancestor has a successor in the latest register. */
  | 'unresolved';

/** A unit of one register, placed for a roll-up target. */
export interface RollUpPlace {
  readonly code: string;
  readonly register: RegisterDate;
  readonly kind: RollUpPlaceKind;
  /**
   * The unit followed forward to the target's register. For a unit of a register after the
   * target ended (`after`), read back instead: `units` are the units of the target's register
   * its area was made from, `chain` the links walked back.
   */
  readonly resolution: AreaResolution;
  /** Those of `resolution.units` that are the target or lie below it. */
  readonly insideTarget: readonly string[];
  /**
   * The unit and its ancestors in `register`, nearest first; empty when the register lacks the
   * unit. Units with as many ancestors (the same depth) never contain one another.
   */
  readonly upCodes: readonly string[];
  /** True for a unit of a register after the last one the target stands in (read back, see `resolution`). */
  readonly after?: true;
}

/** Places units of any register for one target; see {@link rollUpPlaces}. */
export interface RollUpPlaces {
  readonly target: string;
  /**
   * The register the target is read in: the last one its version stands in — the latest
   * register for a current unit, 2025-03-01 for Tỉnh Long An 80 or Huyện Lâm Hà 676.
   */
  readonly latest: RegisterDate;
  /** The target's ancestors in that register, nearest first. */
  readonly targetAncestors: readonly string[];
  /** Where the unit `code` of `register` stands for the target (worked out once, then remembered). */
  placeOf(code: string, register: RegisterDate): RollUpPlace;
}

/** Options of {@link rollUpPlaces}. */
export interface RollUpPlacesOptions {
  /**
   * A register the target stands in; the latest by default. A unit that has since ended (Tỉnh
   * Long An 80 before 2025-07-01, Huyện Lâm Hà 676) is named by a register of its version.
   */
  readonly register?: RegisterDate;
}

/**
 * Places units for the roll-up target `target`, a unit of the latest register of `areas`, or —
 * with `options.register` — of that register.
 *
 * A target that has since ended is read in the last register its version stands in (followed
 * along `unchanged` links). Units of that register and earlier ones are followed forward to it,
 * exactly as units are followed to the latest register for a current target. Units of later
 * registers are read back: a unit made only from the target's territory (a commune formed from
 * Lâm Hà's communes) lies inside it; one made partly from it is partial; one into which the
 * whole target went, with more besides (Tây Ninh 80 of 2025 for Long An 80), is above it; one
 * that is exactly the target's territory is the target itself.
 *
 * @throws AntqError `UNKNOWN_AREA` when the target is not in that register.
 */
export function rollUpPlaces(areas: AreaGraph, target: string, options: RollUpPlacesOptions = {}): RollUpPlaces {
  const registers = areas.registers;
  const named = options.register ?? registers[registers.length - 1];
  const namedAncestors = named === undefined || !registers.includes(named) ? undefined : areas.ancestorCodes(target, named);
  if (named === undefined || namedAncestors === undefined) {
    throw new AntqError(
      ErrorCode.UNKNOWN_AREA,
      `Unknown area code "${target}" in the ${options.register === undefined ? 'latest ' : ''}register${named === undefined ? '' : ` (${named})`}. Roll-ups target units of the current register, or of the register a date names.`,
      { details: { areaCode: target, register: named } },
    );
  }
  const latest = lastRegisterOf(areas, target, named);
  const targetAncestors = areas.ancestorCodes(target, latest)!;
  const latestIndex = registers.indexOf(latest);
  const inside = (code: string) => code === target || (areas.ancestorCodes(code, latest) ?? []).includes(target);
  const kindOf = (code: string, resolution: AreaResolution, insideTarget: readonly string[]): RollUpPlaceKind => {
    if (resolution.problem === 'unknown_area') return 'unknown';
    if (resolution.problem === 'no_successor') return 'unresolved';
    if (insideTarget.length === resolution.units.length) return isTargetItself(areas, code, target, resolution) ? 'target' : 'inside';
    if (insideTarget.length > 0) return 'partial';
    return resolution.units.some((unit) => targetAncestors.includes(unit)) ? 'above' : 'outside';
  };
  const places = new Map<string, RollUpPlace>();
  return {
    target,
    latest,
    targetAncestors,
    placeOf(code, register) {
      const key = `${register}|${code}`;
      let place = places.get(key);
      if (place === undefined) {
        const ancestors = areas.ancestorCodes(code, register);
        const upCodes = ancestors === undefined ? [] : [code, ...ancestors];
        if (registers.indexOf(register) > latestIndex) {
          place = placeAfter(areas, { target, latest, inside }, code, register, upCodes);
        } else {
          const resolution = resolveAreaForward(areas, code, register, latest);
          const insideTarget = resolution.units.filter(inside);
          place = { code, register, kind: kindOf(code, resolution, insideTarget), resolution, insideTarget, upCodes };
        }
        places.set(key, place);
      }
      return place;
    },
  };
}

/** The last register the target's version stands in: from `register`, along its unchanged links to itself. */
function lastRegisterOf(areas: AreaGraph, target: string, register: RegisterDate): RegisterDate {
  let last = register;
  for (;;) {
    const links = areas.successorLinks(target, last);
    if (links.length !== 1 || links[0]!.unchanged !== true || links[0]!.to !== target) return last;
    last = links[0]!.toRegister;
  }
}

/**
 * A unit of a register after the target ended, read back: the units of the target's register
 * its area was made from (through the predecessor links), placed by those; and the target
 * followed forward to the unit's register, to tell whether the unit covers it all.
 */
function placeAfter(
  areas: AreaGraph,
  target: { target: string; latest: RegisterDate; inside: (code: string) => boolean },
  code: string,
  register: RegisterDate,
  upCodes: readonly string[],
): RollUpPlace {
  const registers = areas.registers;
  const base = { code, register, chain: [] as LineageLink[], widenings: [], relation: 'full' as LineageRelation, unchanged: false, units: [] as string[] };
  const after = true as const;
  if (upCodes.length === 0) return { code, register, kind: 'unknown', resolution: { ...base, problem: 'unknown_area' }, insideTarget: [], upCodes, after };
  const predecessorLinks = areas.predecessorLinks?.bind(areas);
  let frontier = new Set([code]);
  for (let index = registers.indexOf(register); index > registers.indexOf(target.latest) && predecessorLinks; index--) {
    const next = new Set<string>();
    for (const unit of frontier) {
      for (const link of predecessorLinks(unit, registers[index]!)) {
        next.add(link.from);
        if (!base.chain.includes(link)) base.chain.unshift(link);
        if (link.relation === 'partial') base.relation = 'partial';
      }
    }
    frontier = next;
  }
  const units = predecessorLinks ? [...frontier].sort() : [];
  if (units.length === 0) return { code, register, kind: 'unresolved', resolution: { ...base, problem: 'no_successor' }, insideTarget: [], upCodes, after };
  const resolution: AreaResolution = { ...base, units };
  const insideTarget = units.filter(target.inside);
  const forward = resolveAreaForward(areas, target.target, target.latest, register);
  const covers = forward.units.length > 0 && forward.units.every((unit) => unit === code || (areas.ancestorCodes(unit, register) ?? []).includes(code));
  let kind: RollUpPlaceKind;
  if (insideTarget.length === units.length) kind = covers && forward.widenings.length === 0 && forward.relation === 'full' ? 'target' : 'inside';
  else if (covers) kind = 'above';
  else kind = insideTarget.length > 0 ? 'partial' : 'outside';
  return { code, register, kind, resolution, insideTarget, upCodes, after };
}
