import { AntqError, describeValue, ErrorCode } from '../errors.js';
import type { AdministrativeUnit } from '../domain/types.js';
import type { OnDate } from './area-registry-types.js';
import type { RegistryData, UnitVersionRow } from './registry-data-format.js';

/** GSO codes: 2 digits for a province, 3 for a district, 5 for a commune. */
const AREA_CODE = /^(?:\d{2}|\d{3}|\d{5})$/;

/** Unit versions by code, oldest first, and per register by code and by parent. */
function indexUnits(data: RegistryData) {
  const registers = data.registers;
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
  return { versionsByCode, byRegister, childrenByRegister };
}

/** The register's unit versions indexed by code, by register and by parent, with the look-ups every query shares. */
export function createRegisterIndex(data: RegistryData) {
  const registers = data.registers;
  const last = registers.length - 1;

  const { versionsByCode, byRegister, childrenByRegister } = indexUnits(data);

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
      throw new AntqError(ErrorCode.BAD_USER_INPUT, `${describeValue(code)} is not an area code: expected 2 digits (province), 3 (district) or 5 (commune), e.g. "28159".`, {
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

  return { registers, last, versionsByCode, byRegister, childrenByRegister, toUnit, registerIndexOn, versionOf, registerIndexOf, ancestorRows, require, located };
}

export type RegisterIndex = ReturnType<typeof createRegisterIndex>;
