import type { AreaGraph, LineageLink, LineageRelation } from '../domain/area-graph.js';
import type { RegisterDate } from '../domain/types.js';

/**
 * Kế thừa địa giới — following an administrative unit from the register it was read in to the
 * latest register, through every reform in between.
 */

/**
 * A step up the hierarchy made because a unit had no successor: `from` was abolished without a
 * recorded successor (the districts on 2025-07-01), so its ancestor `to` was followed instead.
 */
export interface AreaWidening {
  readonly from: string;
  readonly to: string;
  readonly register: RegisterDate;
}

/** Where a unit of one register went in the latest register (or in the register it was followed to). */
export interface AreaResolution {
  /** The unit as asked for. */
  readonly code: string;
  /** The register the unit was read in. */
  readonly register: RegisterDate;
  /** Codes of the units of the register followed to (the latest by default) it resolves into, sorted; empty when unresolved. */
  readonly units: readonly string[];
  /** Every lineage link followed, register by register (each link once). */
  readonly chain: readonly LineageLink[];
  /** Steps up the hierarchy made on the way (see {@link AreaWidening}). */
  readonly widenings: readonly AreaWidening[];
  /** `partial` when any link followed is partial, else `full`. */
  readonly relation: LineageRelation;
  /**
   * True when the unit reads the same in the latest register: already in it, or only links
   * marked `unchanged` followed and no widening.
   */
  readonly unchanged: boolean;
  /**
   * Why `units` is empty: the register has no such unit (`unknown_area`), or neither the unit
   * nor any ancestor has a successor in some later register (`no_successor`).
   */
  readonly problem?: 'unknown_area' | 'no_successor';
}

/**
 * Resolves a unit of `register` forward to the latest register of `areas`, register by
 * register. Each unit follows its `successorLinks` (unchanged units link to themselves). A unit
 * with no link — abolished without a recorded successor — is replaced by its nearest ancestor
 * that has links, which is recorded as a widening: an abolished district resolves through its
 * province. Widening never places territory wrongly; it only makes the result coarser.
 *
 * A unit without links whose code still appears in the next register is widened too: the 2025
 * reform reused codes for different units, so a code alone does not prove continuity.
 *
 * `until` stops at an earlier register than the latest (a roll-up for a unit that has since
 * ended reads every figure in the last register of that unit); a register before `register`
 * is taken as `register` itself.
 */
export function resolveAreaForward(areas: AreaGraph, code: string, register: RegisterDate, until?: RegisterDate): AreaResolution {
  const registers = areas.registers;
  const from = registers.indexOf(register);
  const to = until === undefined ? registers.length - 1 : Math.max(from, registers.indexOf(until));
  const base = { code, register, chain: [], widenings: [], relation: 'full', unchanged: false } as const;
  if (from < 0 || areas.ancestorCodes(code, register) === undefined) return { ...base, units: [], problem: 'unknown_area' };

  const chain: LineageLink[] = [];
  const seenLinks = new Set<string>();
  const widenings: AreaWidening[] = [];
  let relation: LineageRelation = 'full';
  let unchanged = true;
  let frontier = new Set([code]);

  for (let index = from; index < to; index++) {
    const current = registers[index]!;
    const next = new Set<string>();
    for (const unit of frontier) {
      const links = linksOrWidened(areas, unit, current, widenings);
      if (links === undefined) return { ...base, units: [], chain, widenings, problem: 'no_successor' };
      for (const link of links) {
        next.add(link.to);
        const key = `${link.fromRegister}|${link.from}|${link.to}`;
        if (!seenLinks.has(key)) {
          seenLinks.add(key);
          chain.push(link);
        }
        if (link.relation === 'partial') relation = 'partial';
        if (link.unchanged !== true) unchanged = false;
      }
    }
    frontier = next;
  }
  if (widenings.length > 0) unchanged = false;
  return { code, register, units: [...frontier].sort(), chain, widenings, relation, unchanged };
}

/** The unit's links, or its nearest linked ancestor's (recording the widening); undefined when none has any. */
function linksOrWidened(areas: AreaGraph, unit: string, register: RegisterDate, widenings: AreaWidening[]): readonly LineageLink[] | undefined {
  const own = areas.successorLinks(unit, register);
  if (own.length > 0) return own;
  for (const ancestor of areas.ancestorCodes(unit, register) ?? []) {
    const links = areas.successorLinks(ancestor, register);
    if (links.length > 0) {
      widenings.push({ from: unit, to: ancestor, register });
      return links;
    }
  }
  return undefined;
}
