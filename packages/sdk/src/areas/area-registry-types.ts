import type { AdministrativeUnit, AreaLevel, RegisterDate } from '../domain/types.js';
import type { AreaGraph, LineageLink, LineageRelation } from '../domain/area-graph.js';

/** Which register to read a code in: a register date, or any ISO date (the register in force then). */
export interface OnDate {
  readonly on?: string;
}

export interface AreaSearchOptions extends OnDate {
  readonly level?: AreaLevel;
  /** Only units of this province (as the register read knows it). */
  readonly provinceCode?: string;
  /** At most this many results (default 20). */
  readonly limit?: number;
  /**
   * Search every version of every code, not only the newest: finds units that ended, also where
   * the 2025 reform gave their code to another unit (Phường Tân An 23235 of Bình Thuận). Ignored with `on`.
   */
  readonly allVersions?: boolean;
}

/** A current unit that an older unit went into, with how it got there. */
export interface CurrentUnit {
  readonly code: string;
  /** `partial` when any step on the way took only part of the unit. */
  readonly relation: LineageRelation;
  /** The date of the last change on the way; undefined when the unit is itself current. */
  readonly effectiveOn?: string;
  /** The instruments of the changes on the way, oldest first. */
  readonly resolutions: readonly string[];
  /** Every link followed, oldest first, without unchanged continuations. */
  readonly chain: readonly LineageLink[];
}

/** An older unit that makes up (part of) a unit. */
export interface ConstituentUnit {
  readonly code: string;
  readonly register: RegisterDate;
  readonly relation: LineageRelation;
  readonly effectiveOn: string;
  readonly resolutions: readonly string[];
}

/**
 * Danh mục đơn vị hành chính — the national register of administrative units over every register
 * date the SDK ships, with lineage through the reforms. A code names a unit only together with
 * a register: without `on`, a code means its newest unit.
 */
export interface AreaRegistry extends AreaGraph {
  readonly latestRegister: RegisterDate;
  has(code: string): boolean;
  get(code: string, options?: OnDate): AdministrativeUnit | undefined;
  /** Like `get`, but a malformed code is a `BAD_USER_INPUT` error and an unknown one `UNKNOWN_AREA`. */
  require(code: string, options?: OnDate): AdministrativeUnit;
  parent(code: string, options?: OnDate): AdministrativeUnit | undefined;
  /** Nearest first. */
  ancestors(code: string, options?: OnDate): readonly AdministrativeUnit[];
  children(code: string, options?: OnDate): readonly AdministrativeUnit[];
  /** Every version of a code, oldest first (empty for an unknown code). */
  versions(code: string): readonly AdministrativeUnit[];
  /** By name (diacritic- and case-insensitive) or code prefix; exact names first. */
  search(query: string, options?: AreaSearchOptions): readonly AdministrativeUnit[];
  /** Links out of the unit's last register; with `on`, out of that register. */
  successors(code: string, options?: OnDate): readonly LineageLink[];
  /** Links into the unit's first register; with `on`, into that register. */
  predecessors(code: string, options?: OnDate): readonly LineageLink[];
  /** "What is this unit now": the current units it went into. */
  currentOf(code: string, options?: OnDate): readonly CurrentUnit[];
  /** "Which older units make up this one": every earlier unit that went (wholly or in part) into it. */
  constituentsOf(code: string, options?: OnDate): readonly ConstituentUnit[];
}
