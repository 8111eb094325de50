import type { AdministrativeUnit, AreaLevel } from '../domain/types.js';
import type { AreaSearchOptions } from './area-registry-types.js';
import { normaliseName } from './normalise-name.js';
import type { RegisterIndex } from './register-index.js';
import type { RegistryData, UnitVersionRow } from './registry-data-format.js';

const LEVEL_ORDER: Record<AreaLevel, number> = { province: 0, district: 1, commune: 2 };

/** Search by name or code prefix over the register's units, ranked exact names first. */
export function createAreaSearch(data: RegistryData, unitIndex: RegisterIndex) {
  const { byRegister, versionsByCode, registerIndexOn, toUnit } = unitIndex;
  // Search index: folded names of every version, built on first search, and the same entries by
  // province, so that a search within one province reads its units only (a few hundred, not 15,000).
  type Entry = { row: UnitVersionRow; name: string; fullName: string; compact: string };
  let searchIndex: { all: Entry[]; byProvince: Map<string, Entry[]> } | undefined;
  const buildIndex = () => {
    const all = data.units.map((row): Entry => {
      const name = normaliseName(row.name);
      return { row, name, fullName: normaliseName(`${row.unitType} ${row.name}`), compact: name.replaceAll(' ', '') };
    });
    const byProvince = new Map<string, Entry[]>();
    for (const entry of all) {
      const list = byProvince.get(entry.row.provinceCode);
      if (list) list.push(entry);
      else byProvince.set(entry.row.provinceCode, [entry]);
    }
    return { all, byProvince };
  };
  function search(query: string, options: AreaSearchOptions = {}): readonly AdministrativeUnit[] {
    const folded = normaliseName(query);
    const limit = options.limit ?? 20;
    if (folded === '' || limit <= 0) return [];
    searchIndex ??= buildIndex();
    const entries = options.provinceCode ? (searchIndex.byProvince.get(options.provinceCode) ?? []) : searchIndex.all;
    // People write some names run together ("lagi" for La Gi): spaces are matched last.
    const compactQuery = folded.replaceAll(' ', '');
    const inRegister = options.on !== undefined ? byRegister[registerIndexOn(options.on)]! : undefined;
    const byCode = /^\d+$/.test(folded);
    const hits: { row: UnitVersionRow; rank: number }[] = [];
    for (const entry of entries) {
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

  return search;
}
