/**
 * @antq/sdk/areas — the national register of administrative units (before and after the 2025
 * reform) with lineage, shipped in compact form. The data loads on first use of
 * `loadAreaRegistry()`, so importing this entry costs little until then.
 * Data: vietnamese-provinces-database and dvhcvn/20250701, both MIT (see LICENSES/).
 */
import { createAreaRegistry, type AreaRegistry } from './area-registry.js';
import { parseRegistryData } from './registry-data-format.js';

export { createAreaRegistry, type AreaRegistry, type AreaSearchOptions, type ConstituentUnit, type CurrentUnit, type OnDate } from './area-registry.js';
export { normaliseName } from './normalise-name.js';
export { parseRegistryData, type LinkRow, type RegistryData, type UnitVersionRow } from './registry-data-format.js';
export type { AdministrativeUnit, AreaLevel, RegisterDate } from '../domain/types.js';
export type { AreaGraph, LineageLink, LineageRelation } from '../domain/area-graph.js';

let loading: Promise<AreaRegistry> | undefined;

/** The shipped registry, loaded and indexed once per process (about 100 ms). */
export function loadAreaRegistry(): Promise<AreaRegistry> {
  loading ??= import('./registry-data.js').then(({ REGISTRY_DATA }) => createAreaRegistry(parseRegistryData(REGISTRY_DATA)));
  return loading;
}
