import { AntqError, ErrorCode } from '../errors.js';
import type { AdministrativeUnit, AreaLevel, RegisterDate } from '../domain/types.js';
import type { AreaGraph, LineageLink, LineageRelation } from '../domain/area-graph.js';
import { normaliseName } from './normalise-name.js';
import type { RegistryData, UnitVersionRow } from './registry-data-format.js';

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

/** GSO codes: 2 digits for a province, 3 for a district, 5 for a commune. */
const AREA_CODE = /^(?:\d{2}|\d{3}|\d{5})$/;

const LEVEL_ORDER: Record<AreaLevel, number> = { province: 0, district: 1, commune: 2 };

export function createAreaRegistry(data: RegistryData): AreaRegistry {
  const registers = data.registers;
  const last = registers.length - 1;
  const latestRegister = registers[last]!;

  // Unit versions by code, oldest first, and per register by code and by parent.
  const versionsByCode = new Map<string, UnitVersionRow[]>();
  const byRegister = registers.map(() => new Map<string, UnitVersionRow>());
  const childrenByRegister = registers.map(() => new Map<string, UnitVersionRow[]>());
  for (const row of data.units) {
    let versions = versionsByCode.get(row.code);
    if (!versions) versionsByCode.set(row.code, (versions = []));
    versions.push(row);
    for (let index = row.from; index < (row.to ?? registers.length); index++) {
      byRegister[index]!.set(row.code, row);
      if (row.parentCode !== undefined) {
        const siblings = childrenByRegister[index]!.get(row.parentCode) ?? [];
        siblings.push(row);
        childrenByRegister[index]!.set(row.parentCode, siblings);
      }
    }
  }

  const units = new WeakMap<UnitVersionRow, AdministrativeUnit>();
  function toUnit(row: UnitVersionRow): AdministrativeUnit {
    let unit = units.get(row);
    if (!unit) {
      unit = Object.freeze({
        code: row.code,
        name: row.name,
        fullName: `${row.unitType} ${row.name}`,
        level: row.level,
        unitType: row.unitType,
        ...(row.parentCode !== undefined ? { parentCode: row.parentCode } : {}),
        provinceCode: row.provinceCode,
        validFrom: registers[row.from]!,
        ...(row.to !== undefined ? { validTo: registers[row.to]! } : {}),
      });
      units.set(row, unit);
    }
    return unit;
  }

  function registerIndexOn(date: string): number {
    let found = 0;
    registers.forEach((register, index) => {
      if (register <= date) found = index;
    });
    return found;
  }

  /** The version meant: the one in force in the register of `on`, else the newest. */
  function versionOf(code: string, options?: OnDate): UnitVersionRow | undefined {
    if (options?.on !== undefined) return byRegister[registerIndexOn(options.on)]!.get(code);
    return versionsByCode.get(code)?.at(-1);
  }

  /** With `on`, that register; without, the newest register the version stands in. */
  function registerIndexOf(row: UnitVersionRow, options?: OnDate): number {
    return options?.on !== undefined ? registerIndexOn(options.on) : (row.to ?? registers.length) - 1;
  }

  // Explicit links by (register, from), and every link (explicit and derived) by (register, to).
  const explicit = new Map<string, LineageLink[]>();
  const key = (register: number, code: string) => `${register}|${code}`;
  for (const row of data.links) {
    const link: LineageLink = {
      from: row.from,
      fromRegister: registers[row.fromRegister]!,
      to: row.to,
      toRegister: registers[row.toRegister]!,
      relation: row.relation,
      effectiveOn: row.effectiveOn,
      ...(row.resolution !== undefined ? { resolution: row.resolution } : {}),
      ...(row.confirmed === false ? { confirmed: false } : {}),
    };
    const list = explicit.get(key(row.fromRegister, row.from)) ?? [];
    list.push(link);
    explicit.set(key(row.fromRegister, row.from), list);
  }
  const linkCache = new Map<string, readonly LineageLink[]>();

  function successorLinksAt(code: string, index: number): readonly LineageLink[] {
    if (index >= last || !byRegister[index]!.has(code)) return [];
    const cacheKey = key(index, code);
    let links = linkCache.get(cacheKey) ?? explicit.get(cacheKey);
    if (links === undefined) {
      const here = byRegister[index]!.get(code)!;
      const there = byRegister[index + 1]!.get(code);
      // A code continues only within one version; across the 2025 reform the data states every link.
      links =
        there === undefined || explicitRegister(index)
          ? []
          : [
              {
                from: code,
                fromRegister: registers[index]!,
                to: code,
                toRegister: registers[index + 1]!,
                relation: 'full',
                effectiveOn: registers[index + 1]!,
                ...(there === here ? { unchanged: true } : {}),
              },
            ];
    }
    linkCache.set(cacheKey, links);
    return links;
  }

  // Registers whose successors the data lists in full (the reform): nothing is derived there.
  const listedFrom = new Set(data.links.filter((row) => row.relation === 'partial').map((row) => row.fromRegister));
  function explicitRegister(index: number): boolean {
    return listedFrom.has(index);
  }

  let incoming: Map<string, LineageLink[]> | undefined;
  function predecessorLinksAt(code: string, index: number): readonly LineageLink[] {
    if (!incoming) {
      incoming = new Map();
      for (let at = 0; at < last; at++) {
        for (const from of byRegister[at]!.keys()) {
          for (const link of successorLinksAt(from, at)) {
            const toKey = key(at + 1, link.to);
            const list = incoming.get(toKey) ?? [];
            list.push(link);
            incoming.set(toKey, list);
          }
        }
      }
    }
    return incoming.get(key(index, code)) ?? [];
  }

  function ancestorRows(row: UnitVersionRow, index: number): UnitVersionRow[] {
    const found: UnitVersionRow[] = [];
    let parent = row.parentCode;
    while (parent !== undefined) {
      const up = byRegister[index]!.get(parent);
      if (!up) break;
      found.push(up);
      parent = up.parentCode;
    }
    return found;
  }

  function require(code: string, options?: OnDate): AdministrativeUnit {
    if (!AREA_CODE.test(code)) {
      throw new AntqError(ErrorCode.BAD_USER_INPUT, `"${code}" is not an area code: expected 2 digits (province), 3 (district) or 5 (commune), e.g. "28159".`, {
        issues: [{ path: 'areaCode', message: 'expected 2, 3 or 5 digits' }],
      });
    }
    const row = versionOf(code, options);
    if (!row) {
      const where = options?.on !== undefined ? ` in the register of ${registers[registerIndexOn(options.on)]}` : '';
      throw new AntqError(ErrorCode.UNKNOWN_AREA, `Unknown area code "${code}"${where}. Search by name (Query.areas or registry.search) and use a code it returns.`, {
        details: { areaCode: code },
      });
    }
    return toUnit(row);
  }

  /** The row and register index a look-up names, or an UNKNOWN_AREA error. */
  function located(code: string, options?: OnDate): { row: UnitVersionRow; index: number } {
    require(code, options);
    const row = versionOf(code, options)!;
    return { row, index: registerIndexOf(row, options) };
  }

  function successorsFrom(code: string, index: number): readonly LineageLink[] {
    return successorLinksAt(code, index);
  }

  function currentOf(code: string, options?: OnDate): readonly CurrentUnit[] {
    const { row } = located(code, options);
    const start = registerIndexOf(row, options);
    const reached = new Map<string, CurrentUnit>();
    const walk = (at: string, index: number, chain: LineageLink[], relation: LineageRelation) => {
      if (index === last) {
        const previous = reached.get(at);
        // Two paths to one unit: a full one wins.
        if (!previous || (previous.relation === 'partial' && relation === 'full')) {
          const changes = chain.filter((link) => !link.unchanged);
          const effectiveOn = changes.at(-1)?.effectiveOn;
          reached.set(at, {
            code: at,
            relation,
            ...(effectiveOn !== undefined ? { effectiveOn } : {}),
            resolutions: [...new Set(changes.flatMap((link) => (link.resolution ? [link.resolution] : [])))],
            chain: changes,
          });
        }
        return;
      }
      for (const link of successorsFrom(at, index)) {
        walk(link.to, index + 1, [...chain, link], link.relation === 'partial' ? 'partial' : relation);
      }
    };
    walk(code, start, [], 'full');
    if (reached.size === 0 && start < last && row.level === 'district') return districtCurrentOf(code, start);
    return [...reached.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  /**
   * A district of a register before the 2025 reform, which abolished the tier: the data links its
   * communes, not the district. It went into the current units its communes went into — wholly
   * into one only if all of them went wholly into that one, else in part into each.
   */
  function districtCurrentOf(code: string, index: number): readonly CurrentUnit[] {
    const communes = childrenByRegister[index]!.get(code) ?? [];
    const reached = new Map<string, CurrentUnit>();
    for (const commune of communes) {
      for (const unit of currentOf(commune.code, { on: registers[index]! })) {
        const previous = reached.get(unit.code);
        const chain = [...(previous?.chain ?? []), ...unit.chain];
        const effectiveOn = [previous?.effectiveOn, unit.effectiveOn]
          .filter((date): date is string => date !== undefined)
          .sort()
          .at(-1);
        reached.set(unit.code, {
          code: unit.code,
          relation: 'partial',
          ...(effectiveOn !== undefined ? { effectiveOn } : {}),
          resolutions: [...new Set([...(previous?.resolutions ?? []), ...unit.resolutions])],
          chain,
        });
      }
    }
    const units = [...reached.values()].sort((a, b) => a.code.localeCompare(b.code));
    const whole = units.length === 1 && communes.every((commune) => currentOf(commune.code, { on: registers[index]! }).every((unit) => unit.relation === 'full'));
    return whole ? [{ ...units[0]!, relation: 'full' }] : units;
  }

  function constituentsOf(code: string, options?: OnDate): readonly ConstituentUnit[] {
    const { row } = located(code, options);
    const found = new Map<string, ConstituentUnit>();
    const walk = (at: string, index: number, relation: LineageRelation, resolutions: string[], effectiveOn: string | undefined) => {
      for (const link of predecessorLinksAt(at, index)) {
        const fromIndex = index - 1;
        const nextRelation = link.relation === 'partial' ? 'partial' : relation;
        const nextResolutions = link.resolution ? [link.resolution, ...resolutions] : resolutions;
        const nextEffective = link.unchanged ? effectiveOn : (effectiveOn ?? link.effectiveOn);
        if (!link.unchanged) {
          const entryKey = key(fromIndex, link.from);
          const previous = found.get(entryKey);
          if (!previous || (previous.relation === 'partial' && nextRelation === 'full')) {
            found.set(entryKey, {
              code: link.from,
              register: registers[fromIndex]!,
              relation: nextRelation,
              effectiveOn: link.effectiveOn,
              resolutions: [...new Set(nextResolutions)],
            });
          }
        }
        walk(link.from, fromIndex, nextRelation, nextResolutions, nextEffective);
      }
    };
    walk(code, registerIndexOf(row, options), 'full', [], undefined);
    return [...found.values()].sort((a, b) => b.register.localeCompare(a.register) || a.code.localeCompare(b.code));
  }

  // Search index: folded names of every version, built on first search.
  let searchIndex: { row: UnitVersionRow; name: string; fullName: string; compact: string }[] | undefined;
  function search(query: string, options: AreaSearchOptions = {}): readonly AdministrativeUnit[] {
    const folded = normaliseName(query);
    const limit = options.limit ?? 20;
    if (folded === '' || limit <= 0) return [];
    searchIndex ??= data.units.map((row) => {
      const name = normaliseName(row.name);
      return { row, name, fullName: normaliseName(`${row.unitType} ${row.name}`), compact: name.replaceAll(' ', '') };
    });
    // People write some names run together ("lagi" for La Gi): spaces are matched last.
    const compactQuery = folded.replaceAll(' ', '');
    const inRegister = options.on !== undefined ? byRegister[registerIndexOn(options.on)]! : undefined;
    const byCode = /^\d+$/.test(folded);
    const hits: { row: UnitVersionRow; rank: number }[] = [];
    for (const entry of searchIndex) {
      const { row } = entry;
      if (inRegister ? inRegister.get(row.code) !== row : !options.allVersions && versionsByCode.get(row.code)!.at(-1) !== row) continue;
      if (options.level && row.level !== options.level) continue;
      if (options.provinceCode && row.provinceCode !== options.provinceCode) continue;
      let rank: number;
      // A number is a code (prefix) first, and a name too: Phường 11 is named "11".
      if (byCode && (row.code === folded || row.code.startsWith(folded))) rank = row.code === folded ? 0 : 1;
      else if (entry.name === folded || entry.fullName === folded) rank = 0;
      else if (entry.name.startsWith(folded) || entry.fullName.startsWith(folded)) rank = 1;
      else if (entry.name.includes(folded) || entry.fullName.includes(folded)) rank = 2;
      else if (compactQuery.length >= 3 && entry.compact.includes(compactQuery)) rank = 3;
      else rank = -1;
      if (rank >= 0) hits.push({ row, rank });
    }
    hits.sort(
      (a, b) =>
        a.rank - b.rank ||
        LEVEL_ORDER[a.row.level] - LEVEL_ORDER[b.row.level] ||
        (b.row.to === undefined ? 1 : 0) - (a.row.to === undefined ? 1 : 0) ||
        a.row.code.localeCompare(b.row.code),
    );
    return hits.slice(0, limit).map((hit) => toUnit(hit.row));
  }

  return {
    registers,
    latestRegister,
    registerOn: (date) => registers[registerIndexOn(date)]!,
    ancestorCodes(code, register) {
      const index = registers.indexOf(register);
      const row = index < 0 ? undefined : byRegister[index]!.get(code);
      return row ? ancestorRows(row, index).map((up) => up.code) : undefined;
    },
    successorLinks(code, register) {
      const index = registers.indexOf(register);
      return index < 0 ? [] : successorLinksAt(code, index);
    },
    predecessorLinks(code, register) {
      const index = registers.indexOf(register);
      return index < 0 ? [] : predecessorLinksAt(code, index);
    },
    has: (code) => versionsByCode.has(code),
    versions: (code) => (versionsByCode.get(code) ?? []).map(toUnit),
    get(code, options) {
      const row = versionOf(code, options);
      return row ? toUnit(row) : undefined;
    },
    require,
    parent(code, options) {
      const { row, index } = located(code, options);
      const up = row.parentCode === undefined ? undefined : byRegister[index]!.get(row.parentCode);
      return up ? toUnit(up) : undefined;
    },
    ancestors(code, options) {
      const { row, index } = located(code, options);
      return ancestorRows(row, index).map(toUnit);
    },
    children(code, options) {
      const { index } = located(code, options);
      return (childrenByRegister[index]!.get(code) ?? []).map(toUnit);
    },
    search,
    successors(code, options) {
      const { index } = located(code, options);
      return successorLinksAt(code, index);
    },
    predecessors(code, options) {
      const { row } = located(code, options);
      return predecessorLinksAt(code, options?.on !== undefined ? registerIndexOn(options.on) : row.from);
    },
    currentOf,
    constituentsOf,
  };
}
