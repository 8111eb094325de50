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

/**
 * The units a version went into, out of its last register (whatever date inside the version `on`
 * names). A unit whose tier was abolished (Huyện Lâm Hà 676, 2025-07-01) has no link of its own:
 * it went where its communes went — wholly into one unit only if all of them went wholly there.
 */
function successorLinks(registry: AreaRegistry, unit: AdministrativeUnit): LineageLink[] {
  const last = unit.validTo === undefined ? undefined : registry.registers[registry.registers.indexOf(unit.validTo) - 1];
  const own = registry.successors(unit.code, last ? { on: last } : undefined).filter((link) => !link.unchanged);
  if (own.length > 0 || last === undefined) return own;
  const communeLinks: LineageLink[] = [];
  const descend = (code: string): void => {
    for (const child of registry.children(code, { on: last })) {
      communeLinks.push(...registry.successors(child.code, { on: last }).filter((link) => link.toRegister !== last));
      descend(child.code);
    }
  };
  descend(unit.code);
  const targets = new Map<string, LineageLink[]>();
  for (const link of communeLinks) targets.set(`${link.toRegister}|${link.to}`, [...(targets.get(`${link.toRegister}|${link.to}`) ?? []), link]);
  const whole = targets.size === 1 && communeLinks.every((link) => link.relation === 'full');
  return [...targets.values()].map((links) => {
    const resolutions = [...new Set(links.flatMap((link) => (link.resolution ? [link.resolution] : [])))];
    return {
      from: unit.code,
      fromRegister: last,
      to: links[0]!.to,
      toRegister: links[0]!.toRegister,
      relation: whole ? 'full' : 'partial',
      effectiveOn: links[0]!.effectiveOn,
      ...(resolutions.length > 0 ? { resolution: resolutions.join(', ') } : {}),
      ...(links.some((link) => link.confirmed === false) ? { confirmed: false as const } : {}),
    };
  });
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
    successors: (area) => lineageLinks(registry, successorLinks(registry, unitFields(registry, area)), 'to'),
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
