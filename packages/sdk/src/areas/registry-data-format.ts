import type { AreaLevel, RegisterDate } from '../domain/types.js';
import type { LineageRelation } from '../domain/area-graph.js';

/** One version of an administrative unit: a code with one name, type and parent over consecutive registers. */
export interface UnitVersionRow {
  readonly code: string;
  readonly name: string;
  readonly unitType: string;
  readonly level: AreaLevel;
  readonly parentCode?: string;
  readonly provinceCode: string;
  /** Index into `registers` of the first register holding this version. */
  readonly from: number;
  /** Index of the first register that no longer holds it; undefined while current. */
  readonly to?: number;
}

/** A lineage link stated in the data (reform links and curated ones); unchanged continuations are derived. */
export interface LinkRow {
  readonly from: string;
  readonly fromRegister: number;
  readonly to: string;
  readonly toRegister: number;
  readonly relation: LineageRelation;
  readonly effectiveOn: string;
  readonly resolution?: string;
  /** False for a link curated by hand whose instrument (and exact date) no source confirms. */
  readonly confirmed?: false;
}

export interface RegistryData {
  readonly registers: readonly RegisterDate[];
  readonly units: readonly UnitVersionRow[];
  readonly links: readonly LinkRow[];
}

const LEVELS: Record<string, AreaLevel> = { p: 'province', d: 'district', c: 'commune' };

/** Reads the line format written by scripts/build-area-registry.mjs. */
export function parseRegistryData(text: string): RegistryData {
  let registers: RegisterDate[] = [];
  let types: string[] = [];
  let resolutions: string[] = [];
  const units: UnitVersionRow[] = [];
  const links: LinkRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('|');
    switch (f[0]) {
      case 'R':
        registers = f[1]!.split(',') as RegisterDate[];
        break;
      case 'T':
        types = f[1]!.split(',');
        break;
      case 'S':
        resolutions = f[1]!.split(',');
        break;
      case 'U':
        units.push({
          code: f[1]!,
          name: f[2]!,
          unitType: types[Number(f[3])]!,
          level: LEVELS[f[4]!]!,
          ...(f[5] ? { parentCode: f[5] } : {}),
          provinceCode: f[6]!,
          from: Number(f[7]),
          ...(f[8] ? { to: Number(f[8]) } : {}),
        });
        break;
      case 'L':
        links.push({
          from: f[1]!,
          fromRegister: Number(f[2]),
          to: f[3]!,
          toRegister: Number(f[4]),
          relation: f[5] === 'p' ? 'partial' : 'full',
          effectiveOn: f[6]!,
          ...(f[7] ? { resolution: resolutions[Number(f[7])]! } : {}),
          ...(f[8] === 'u' ? { confirmed: false as const } : {}),
        });
        break;
      default:
        break;
    }
  }
  return { registers, units, links };
}
