import type { AdministrativeUnit } from '@antq/sdk';
import { areaVersionRef, type AreaVersionRef } from './area-version.js';
import type { AreaRegistry, LineageLink } from '@antq/sdk/areas';
import type { AgencyResolverOptions } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { checkPageSize } from './page.js';

/**
 * An `Area` parent names one version of a unit: its code, and `on` — a date within that version —
 * unless it is the newest unit with the code. Within this subgraph every field of the area honours
 * the version; another subgraph's view of it (`Area.police` …) is keyed by the code alone.
 */
export type AreaParent = AreaVersionRef;

export function areaRef(code: string | undefined | null) {
  return code ? { code } : null;
}

function versionOn(area: AreaParent): { on: string } | undefined {
  return typeof area.on === 'string' ? { on: area.on } : undefined;
}

/** The version of a unit standing in a register (the newest when none is given or the register lacks it). */
export function versionIn(registry: AreaRegistry, code: string, register: string | undefined): AreaParent {
  const unit = (register !== undefined && registry.get(code, { on: register })) || registry.get(code);
  return unit ? areaVersionRef(registry, unit) : { code };
}

function unitFields(registry: AreaRegistry, parent: AreaParent): AdministrativeUnit {
  return registry.require(parent.code, versionOn(parent));
}

/** The area of a record: the unit its code named on the record's date (a reused code names the older unit then). */
export function recordAreaRef(
  registry: AreaRegistry,
  record: { readonly areaCode?: string; readonly periodStart?: string | Date; readonly startedOn?: string | Date; readonly establishedOn?: string | Date },
): AreaParent | null {
  const code = record.areaCode;
  if (!code) return null;
  const dated = record.periodStart ?? record.startedOn ?? record.establishedOn;
  const on = dated instanceof Date ? dated.toISOString().slice(0, 10) : dated;
  const unit = (on && registry.get(code, { on })) || registry.get(code);
  return unit ? areaVersionRef(registry, unit) : { code };
}

function lineageLinks(registry: AreaRegistry, links: readonly LineageLink[], side: 'to' | 'from') {
  return links.map((link) => {
    const unit = registry.get(link[side], { on: side === 'to' ? link.toRegister : link.fromRegister });
    return {
      area: unit ? areaVersionRef(registry, unit) : { code: link[side] },
      relation: link.relation,
      effectiveOn: link.effectiveOn,
      resolution: link.resolution ?? null,
      confirmed: link.confirmed !== false,
    };
  });
}

/** Whether every change on a way through the lineage is confirmed by a source (see `LineageLink.confirmed`). */
export function allConfirmed(chain: readonly LineageLink[]): boolean {
  return chain.every((link) => link.confirmed !== false);
}

/** `Query.area` and `Query.areas`: the national registry, by code or by name. */
export function createAreaQueries({ registry }: AgencyResolverOptions): Pick<NonNullable<TemplateResolvers['Query']>, 'area' | 'areas'> {
  return {
    area: (_, args) => areaVersionRef(registry, registry.require(args.code, args.on ? { on: args.on } : undefined)),
    areas: (_, args) =>
      registry
        .search(args.search, {
          ...(args.level ? { level: args.level } : {}),
          ...(args.provinceCode ? { provinceCode: args.provinceCode } : {}),
          ...(args.on ? { on: args.on } : args.currentOnly === false ? { allVersions: true } : { on: registry.latestRegister }),
          limit: checkPageSize(args.first, 20),
        })
        .map((unit) => areaVersionRef(registry, unit)),
  };
}

/** The `Area` entity: one version of a unit, its place in the hierarchy and its lineage through time. */
export function createAreaResolvers({ registry }: AgencyResolverOptions): NonNullable<TemplateResolvers['Area']> {
  return {
    __resolveReference: (reference) => ({ code: reference.code }),
    name: (area) => unitFields(registry, area).name,
    fullName: (area) => unitFields(registry, area).fullName,
    level: (area) => unitFields(registry, area).level,
    unitType: (area) => unitFields(registry, area).unitType,
    parent: (area) => {
      const up = registry.parent(area.code, versionOn(area));
      return up ? areaVersionRef(registry, up) : null;
    },
    ancestors: (area) => registry.ancestors(area.code, versionOn(area)).map((unit) => areaVersionRef(registry, unit)),
    children: (area) => registry.children(area.code, versionOn(area)).map((unit) => areaVersionRef(registry, unit)),
    province: (area) => {
      const province = registry.ancestors(area.code, versionOn(area)).find((unit) => unit.level === 'province');
      return province ? areaVersionRef(registry, province) : null;
    },
    validFrom: (area) => unitFields(registry, area).validFrom,
    validTo: (area) => unitFields(registry, area).validTo ?? null,
    current: (area) => unitFields(registry, area).validTo === undefined,
    versions: (area) => registry.versions(area.code).map((unit) => areaVersionRef(registry, unit)),
    // Out of the version's last register, into its first: whatever date inside the version `on` names.
    successors: (area) => {
      const unit = unitFields(registry, area);
      const last = unit.validTo === undefined ? undefined : registry.registers[registry.registers.indexOf(unit.validTo) - 1];
      return lineageLinks(
        registry,
        registry.successors(unit.code, last ? { on: last } : undefined).filter((link) => !link.unchanged),
        'to',
      );
    },
    predecessors: (area) => {
      const unit = unitFields(registry, area);
      return lineageLinks(
        registry,
        registry.predecessors(unit.code, { on: unit.validFrom }).filter((link) => !link.unchanged),
        'from',
      );
    },
    currentUnits: (area) =>
      registry.currentOf(area.code, versionOn(area)).map((reached) => ({
        area: { code: reached.code },
        relation: reached.relation,
        effectiveOn: reached.effectiveOn ?? unitFields(registry, { code: reached.code }).validFrom,
        resolution: reached.resolutions?.join(', ') || null,
        confirmed: allConfirmed(reached.chain),
      })),
    // The version travels with the view within this subgraph (for metric); another subgraph's view has the code only.
    template: (area) => ({ areaCode: area.code, ...versionOn(area) }),
  };
}
