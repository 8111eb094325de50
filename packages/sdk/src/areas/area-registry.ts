import { constituentsOf, createCurrentOf, createLineageLinks } from './area-lineage.js';
import type { AreaRegistry } from './area-registry-types.js';
import { createAreaSearch } from './area-search.js';
import { createRegisterIndex } from './register-index.js';
import type { RegistryData } from './registry-data-format.js';

export type { AreaRegistry, AreaSearchOptions, ConstituentUnit, CurrentUnit, OnDate } from './area-registry-types.js';

/** The registry over `data`: its index, lineage and search, each built in its own module. */
export function createAreaRegistry(data: RegistryData): AreaRegistry {
  const unitIndex = createRegisterIndex(data);
  const { registers, byRegister, childrenByRegister, versionsByCode, toUnit, registerIndexOn, versionOf, ancestorRows, require, located } = unitIndex;
  const links = createLineageLinks(data, unitIndex);
  const { successorLinksAt, predecessorLinksAt } = links;
  const latestRegister = registers[unitIndex.last]!;

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
    search: createAreaSearch(data, unitIndex),
    successors(code, options) {
      const { index } = located(code, options);
      return successorLinksAt(code, index);
    },
    predecessors(code, options) {
      const { row } = located(code, options);
      return predecessorLinksAt(code, options?.on !== undefined ? registerIndexOn(options.on) : row.from);
    },
    currentOf: createCurrentOf(unitIndex, links),
    constituentsOf: (code, options) => constituentsOf(unitIndex, links, code, options),
  };
}
