#!/usr/bin/env node
// Builds the compact area registry the SDK ships (packages/sdk/src/areas/registry-data.ts) from the
// national registry in ../shared/data/vn-admin-units/derived, and copies its two MIT licences.
//
//   node scripts/build-area-registry.mjs [--source <vn-admin-units folder>]
//
// Format (one record per line, fields separated by "|"), read by src/areas/registry-data-format.ts:
//   R|<register dates, comma-separated, oldest first>
//   T|<unit types, comma-separated>              (referenced by index)
//   S|<resolutions, comma-separated>             (referenced by index)
//   U|code|name|type|level p/d/c|parent|province|fromRegister|toRegister   one version of a unit
//   L|from|fromRegister|to|toRegister|f/p|effectiveOn|resolution|u          an explicit lineage link
//                                                                   (u: unconfirmed, see CURATED_LINKS)
// A unit version runs over consecutive registers while its name (ignoring diacritics), parent,
// level and type stay the same; the 2025 reform always starts new versions, since it reused
// codes for larger, different units.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argSource = process.argv.indexOf('--source');
const source = argSource > 0 ? resolve(process.argv[argSource + 1]) : resolve(root, '../shared/data/vn-admin-units');
const sdk = join(root, 'packages/sdk');

if (!existsSync(join(source, 'derived'))) {
  console.error(`build-area-registry: ${source}/derived not found. Pass --source <path to vn-admin-units>.`);
  process.exit(1);
}

const REGISTERS = ['2024-11-01', '2025-03-01', '2025-07-01', '2026-04-30'];
const REFORM = REGISTERS.indexOf('2025-07-01');
/** Resolution 202/2025/QH15 (12 Jun 2025) on the arrangement of provincial units. */
const PROVINCE_RESOLUTION = '202/2025/QH15';
/**
 * Links the derived files do not hold, checked by hand against the registers (SOURCE.md, seed
 * places): on 1 Jan 2025 Xã Hưng Tân (18031) and Xã Hưng Thông (18028) merged into Xã Thông Tân (18028).
 * The registers show the merge (18031 is gone on 2025-03-01, 18028 is Thông Tân) but not the
 * instrument that made it, and the date is inferred: these links are `unconfirmed` (no resolution),
 * which the API says as `AreaLineageLink.confirmed: false`.
 */
const CURATED_LINKS = [
  { from: '18031', fromRegister: 0, to: '18028', toRegister: 1, relation: 'f', effectiveOn: '2025-01-01', unconfirmed: true },
  { from: '18028', fromRegister: 0, to: '18028', toRegister: 1, relation: 'f', effectiveOn: '2025-01-01', unconfirmed: true },
];

function readCsv(file) {
  const [header, ...lines] = readFileSync(join(source, 'derived', file), 'utf8')
    .trim()
    .split(/\r?\n/);
  const columns = header.split(',');
  return lines.map((line) => {
    const values = line.split(',');
    if (values.length !== columns.length) throw new Error(`${file}: unexpected comma in "${line}"`);
    return Object.fromEntries(columns.map((column, index) => [column, values[index]]));
  });
}

const fold = (text) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
const clean = (text) => {
  if (text.includes('|')) throw new Error(`"|" in "${text}"`);
  return text;
};

const unitTypes = [];
const typeIndex = (type) => {
  let index = unitTypes.indexOf(type);
  if (index < 0) index = unitTypes.push(type) - 1;
  return index;
};
const resolutions = [];
const resolutionIndex = (resolution) => {
  if (!resolution) return '';
  let index = resolutions.indexOf(resolution);
  if (index < 0) index = resolutions.push(resolution) - 1;
  return index;
};

// Unit versions, built register by register.
const versions = [];
const openVersion = new Map(); // code -> version still in force in the previous register
const counts = [];
REGISTERS.forEach((register, index) => {
  const rows = readCsv(`units-${register}.csv`);
  const count = { province: 0, district: 0, commune: 0 };
  const seen = new Map();
  for (const row of rows) {
    count[row.level] += 1;
    const previous = openVersion.get(row.code);
    const same =
      previous &&
      index !== REFORM &&
      previous.to === undefined &&
      previous.lastRegister === index - 1 &&
      fold(previous.name) === fold(row.name) &&
      previous.parent === row.parent_code &&
      previous.level === row.level &&
      previous.type === row.unit_type;
    if (same) {
      previous.lastRegister = index;
      previous.name = row.name; // the newest spelling
      seen.set(row.code, previous);
      continue;
    }
    const version = {
      code: row.code,
      name: row.name,
      type: row.unit_type,
      level: row.level,
      parent: row.parent_code,
      province: row.province_code,
      from: index,
      lastRegister: index,
    };
    versions.push(version);
    seen.set(row.code, version);
  }
  for (const [code, version] of openVersion) if (!seen.has(code) || seen.get(code) !== version) version.to ??= index;
  openVersion.clear();
  for (const [code, version] of seen) openVersion.set(code, version);
  counts.push(`${register}: ${count.province} provinces, ${count.district} districts, ${count.commune} communes`);
});

// Lineage across the reform: every commune (and island district) of 2025-03-01 to its new commune(s),
// and every old province to its new province.
const links = [...CURATED_LINKS];
for (const row of readCsv('communes-old-to-new.csv')) {
  links.push({
    from: row.old_code,
    fromRegister: REFORM - 1,
    to: row.new_code,
    toRegister: REFORM,
    relation: row.relation === 'partial' ? 'p' : 'f',
    effectiveOn: '2025-07-01',
    resolution: row.resolution,
  });
}
for (const row of readCsv('provinces-old-to-new.csv')) {
  links.push({
    from: row.old_province_code,
    fromRegister: REFORM - 1,
    to: row.new_province_code,
    toRegister: REFORM,
    relation: 'f',
    effectiveOn: '2025-07-01',
    resolution: PROVINCE_RESOLUTION,
  });
}

const lines = [
  `R|${REGISTERS.join(',')}`,
  '', // types, filled below
  '', // resolutions, filled below
  ...versions.map((v) => ['U', v.code, clean(v.name), typeIndex(v.type), v.level[0], v.parent, v.province, v.from, v.to ?? ''].join('|')),
  ...links.map((l) => ['L', l.from, l.fromRegister, l.to, l.toRegister, l.relation, l.effectiveOn, resolutionIndex(l.resolution), ...(l.unconfirmed ? ['u'] : [])].join('|')),
];
lines[1] = `T|${unitTypes.join(',')}`;
lines[2] = `S|${resolutions.join(',')}`;
const data = lines.join('\n');

const out = join(sdk, 'src/areas/registry-data.ts');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `// Generated by scripts/build-area-registry.mjs from vn-admin-units (MIT, see ../../LICENSES). Do not edit.\n` +
    `// ${counts.join('; ')}; ${versions.length} unit versions, ${links.length} lineage links.\n` +
    `export const REGISTRY_DATA = ${JSON.stringify(data)};\n`,
);
mkdirSync(join(sdk, 'LICENSES'), { recursive: true });
// Copied by content: the source files may be read-only.
const copy = (from, to) => writeFileSync(join(sdk, 'LICENSES', to), readFileSync(join(source, from)));
copy('LICENSE', 'vietnamese-provinces-database.LICENSE');
copy('LICENSE.dvhcvn-20250701', 'dvhcvn-20250701.LICENSE');
copy('SOURCE.md', 'SOURCE.md');

for (const line of counts) console.log(`build-area-registry: ${line}`);
console.log(`build-area-registry: ${versions.length} unit versions, ${links.length} lineage links, ${(data.length / 1024).toFixed(0)} KiB -> ${out}`);
