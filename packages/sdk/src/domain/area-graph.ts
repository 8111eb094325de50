import type { RegisterDate } from './types.js';

/** The registers of administrative units the SDK ships, oldest first. */
export const REGISTER_DATES = ['2024-11-01', '2025-03-01', '2025-07-01', '2026-04-30'] as const satisfies readonly RegisterDate[];

/** Quan hệ kế thừa — how much of an old unit went into a new one. */
export type LineageRelation = 'full' | 'partial';

/** One step of lineage: a unit of one register taken over (wholly or in part) by a unit of the next. */
export interface LineageLink {
  readonly from: string;
  readonly fromRegister: RegisterDate;
  readonly to: string;
  readonly toRegister: RegisterDate;
  readonly relation: LineageRelation;
  /** The day the change took effect, e.g. `2025-07-01`. */
  readonly effectiveOn: string;
  /** The instrument that made the change, e.g. `1682/NQ-UBTVQH15`. */
  readonly resolution?: string;
  /** True when the unit simply continued unchanged into the next register. */
  readonly unchanged?: boolean;
  /**
   * False when no source confirms the link's instrument and date: a link curated by hand from
   * the registers (Hưng Tân 18031 → Thông Tân 18028 on 2025-01-01). Absent otherwise.
   */
  readonly confirmed?: false;
}

/**
 * What metric roll-up needs to know of the area hierarchy. The area registry
 * (`@antq/sdk/areas`) implements it; the metric maths stay free of the registry data.
 */
export interface AreaGraph {
  /** Registers known, oldest first; the last one is current. */
  readonly registers: readonly RegisterDate[];
  /** The register in force on a date: the latest register dated on or before it, else the oldest. */
  registerOn(date: string): RegisterDate;
  /** Codes of the unit's ancestors in that register, nearest first; undefined when the register lacks the code. */
  ancestorCodes(code: string, register: RegisterDate): readonly string[] | undefined;
  /**
   * Links from the unit in `register` to units of the next register. A unit that continued
   * unchanged gets one `full` link to itself marked `unchanged`. Empty when the unit was
   * abolished without a recorded successor (districts on 2025-07-01) or `register` is the last.
   */
  successorLinks(code: string, register: RegisterDate): readonly LineageLink[];
  /**
   * Links into the unit in `register` from units of the previous register (unchanged
   * continuations included). Lets a roll-up see that an older unit is exactly the target (the
   * sole predecessor of each unit on its way); without it, only the unchanged target is.
   */
  predecessorLinks?(code: string, register: RegisterDate): readonly LineageLink[];
}
