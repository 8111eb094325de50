import { parsePeriod, type AdministrativeUnit, type Period, type RegisterDate } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';

/**
 * Phiên bản đơn vị — which version of a unit a code names where the API has only the code and
 * a period. A code may name several units over time: Tỉnh Long An until 2025-07-01, then Tỉnh
 * Tây Ninh (80); Huyện Lâm Hà (676) until the district tier ended.
 */

/** The reference to one version of a unit, as `Area` parents carry it: no `on` for the newest. */
export interface AreaVersionRef {
  readonly code: string;
  readonly on?: string;
}

export function areaVersionRef(registry: AreaRegistry, unit: AdministrativeUnit): AreaVersionRef {
  return registry.get(unit.code) === unit ? { code: unit.code } : { code: unit.code, on: unit.validFrom };
}

/** The unit a roll-up is for: its code, and the register it is read in (undefined: the current unit, in the latest register). */
export interface MetricTarget {
  readonly code: string;
  readonly register?: RegisterDate;
  readonly unit: AdministrativeUnit;
}

/**
 * The version of `code` a roll-up for `period` is about:
 * 1. with `on` (an `Area` reached as it was on a date: `area(code:, on:)`, an older version in
 *    `versions`, `predecessors` …), the version in force on that date;
 * 2. else the current unit with that code, as everywhere in the API (80 is Tây Ninh);
 * 3. else — the code names no current unit (Huyện Lâm Hà 676, Xã Long Hậu 28168) — the version
 *    in force when the period starts; for a period after the code's last version ended, that
 *    last version; for one before its first, the first.
 *
 * @throws AntqError `UNKNOWN_AREA` (or `BAD_USER_INPUT` for a malformed code), as `registry.require`.
 */
export function metricTarget(registry: AreaRegistry, code: string, period: Period, on?: string): MetricTarget {
  const unit = registry.require(code, on === undefined ? undefined : { on });
  if (on === undefined && unit.validTo === undefined) return { code, unit };
  if (on !== undefined) return unit.validTo === undefined ? { code, unit } : { code, register: unit.validFrom, unit };
  const versions = registry.versions(code);
  const then = registry.get(code, { on: period.start }) ?? versions.filter((version) => version.validFrom <= period.end).at(-1) ?? versions[0]!;
  return { code, register: then.validFrom, unit: then };
}

/** The unit a figure was reported under: the version its code named when its period started (Xã Long Hậu, until 2025-07-01). */
export function reportedUnder(registry: AreaRegistry, areaCode: string, period: string): AreaVersionRef {
  let start: string | undefined;
  try {
    start = parsePeriod(period).start;
  } catch {
    start = undefined;
  }
  const unit = (start !== undefined && registry.get(areaCode, { on: start })) || registry.get(areaCode);
  return unit ? areaVersionRef(registry, unit) : { code: areaCode };
}
