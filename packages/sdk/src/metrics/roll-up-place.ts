import type { AreaGraph } from '../domain/area-graph.js';
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
  /** The unit followed forward to the latest register. */
  readonly resolution: AreaResolution;
  /** Those of `resolution.units` that are the target or lie below it. */
  readonly insideTarget: readonly string[];
  /**
   * The unit and its ancestors in `register`, nearest first; empty when the register lacks the
   * unit. Units with as many ancestors (the same depth) never contain one another.
   */
  readonly upCodes: readonly string[];
}

/** Places units of any register for one target; see {@link rollUpPlaces}. */
export interface RollUpPlaces {
  readonly target: string;
  /** The latest register of the area graph, the one the target is read in. */
  readonly latest: RegisterDate;
  /** The target's ancestors in the latest register, nearest first. */
  readonly targetAncestors: readonly string[];
  /** Where the unit `code` of `register` stands for the target (worked out once, then remembered). */
  placeOf(code: string, register: RegisterDate): RollUpPlace;
}

/**
 * Places units for the roll-up target `target`, a unit of the latest register of `areas`.
 *
 * @throws AntqError `UNKNOWN_AREA` when the target is not in the latest register.
 */
export function rollUpPlaces(areas: AreaGraph, target: string): RollUpPlaces {
  const latest = areas.registers[areas.registers.length - 1];
  const targetAncestors = latest === undefined ? undefined : areas.ancestorCodes(target, latest);
  if (latest === undefined || targetAncestors === undefined) {
    throw new AntqError(
      ErrorCode.UNKNOWN_AREA,
      `Unknown area code "${target}" in the latest register${latest === undefined ? '' : ` (${latest})`}. Roll-ups target units of the current register.`,
      { details: { areaCode: target, register: latest } },
    );
  }
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
        const resolution = resolveAreaForward(areas, code, register);
        const insideTarget = resolution.units.filter(inside);
        const kind = kindOf(code, resolution, insideTarget);
        const ancestors = areas.ancestorCodes(code, register);
        place = { code, register, kind, resolution, insideTarget, upCodes: ancestors === undefined ? [] : [code, ...ancestors] };
        places.set(key, place);
      }
      return place;
    },
  };
}
