import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isAntqError } from '../errors.js';
import { createAreaRegistry, loadAreaRegistry, normaliseName, parseRegistryData, type AreaRegistry } from './index.js';
import { resolveAreaForward } from '../metrics/resolve-area-forward.js';

let registry: AreaRegistry;
beforeAll(async () => {
  registry = await loadAreaRegistry();
});

/** Units standing in a register at one level, found by walking down from the provinces. */
function count(register: string, level: string): number {
  return allCodes(register).filter((code) => registry.get(code, { on: register })!.level === level).length;
}

function allCodes(register: string): string[] {
  const out: string[] = [];
  const visit = (code: string) => {
    out.push(code);
    for (const child of registry.children(code, { on: register })) visit(child.code);
  };
  for (const code of PROVINCE_CODES) if (registry.get(code, { on: register })) visit(code);
  return out;
}

const PROVINCE_CODES = Array.from({ length: 100 }, (_, index) => String(index).padStart(2, '0'));

describe('area registry: the four registers', () => {
  it('knows all four register dates, oldest first, and picks the one in force on a date', () => {
    expect(registry.registers).toEqual(['2024-11-01', '2025-03-01', '2025-07-01', '2026-04-30']);
    expect(registry.latestRegister).toBe('2026-04-30');
    expect(registry.registerOn('2025-06-30')).toBe('2025-03-01');
    expect(registry.registerOn('2025-07-01')).toBe('2025-07-01');
    expect(registry.registerOn('2023-05-01')).toBe('2024-11-01');
  });

  it.each([
    ['2024-11-01', 63, 704, 10_472],
    ['2025-03-01', 63, 696, 10_035],
    ['2025-07-01', 34, 0, 3_321],
    ['2026-04-30', 34, 0, 3_321],
  ])('holds every unit of the %s register (%i provinces, %i districts, %i communes)', (register, provinces, districts, communes) => {
    expect(count(register, 'province')).toBe(provinces);
    expect(count(register, 'district')).toBe(districts);
    expect(count(register, 'commune')).toBe(communes);
  });

  it('reads a reused code as the unit of the register asked for', () => {
    expect(registry.get('80', { on: '2025-03-01' })?.fullName).toBe('Tỉnh Long An');
    expect(registry.get('80')?.fullName).toBe('Tỉnh Tây Ninh');
    expect(registry.get('28159', { on: '2024-12-31' })?.fullName).toBe('Thị trấn Cần Giuộc');
    expect(registry.get('28159')).toMatchObject({ fullName: 'Xã Cần Giuộc', level: 'commune', parentCode: '80', provinceCode: '80', validFrom: '2025-07-01' });
    expect(registry.get('28159')?.validTo).toBeUndefined();
    expect(registry.get('28159', { on: '2025-03-01' })?.validTo).toBe('2025-07-01');
  });

  it('gives parent, ancestors and children in the register asked for', () => {
    expect(registry.ancestors('28168').map((unit) => unit.fullName)).toEqual(['Huyện Cần Giuộc', 'Tỉnh Long An']);
    expect(registry.parent('28177')?.fullName).toBe('Tỉnh Tây Ninh');
    expect(registry.parent('28177', { on: '2025-03-01' })?.fullName).toBe('Huyện Cần Giuộc');
    expect(registry.children('807', { on: '2025-03-01' }).map((unit) => unit.code)).toContain('28168');
    expect(registry.children('80').every((unit) => unit.level === 'commune' && unit.parentCode === '80')).toBe(true);
    expect(registry.parent('80')).toBeUndefined();
  });

  it('keeps one version of a unit while only its tone-mark spelling changes, and starts a new one when its type changes', () => {
    // Source A respelled 202 names on 2026-04-30 (Hòa → Hoà); Đồng Nai became a centrally-run city.
    const dongNai = registry.get('75')!;
    expect(dongNai.unitType).toBe('Thành phố');
    expect(registry.get('75', { on: '2025-07-01' })?.unitType).toBe('Tỉnh');
    expect(registry.successors('75', { on: '2025-07-01' })).toEqual([expect.objectContaining({ from: '75', to: '75', relation: 'full', effectiveOn: '2026-04-30' })]);
    expect(registry.successors('75', { on: '2025-07-01' })[0]?.unchanged).toBeUndefined();
    expect(registry.successorLinks('28177', '2025-07-01')).toEqual([expect.objectContaining({ to: '28177', unchanged: true })]);
  });

  it('refuses an unknown code with UNKNOWN_AREA naming the code', () => {
    expect(registry.has('99999')).toBe(false);
    expect(registry.get('99999')).toBeUndefined();
    try {
      registry.require('99999');
      expect.unreachable();
    } catch (error) {
      expect(isAntqError(error) && error.code).toBe(ErrorCode.UNKNOWN_AREA);
      expect((error as Error).message).toContain('"99999"');
    }
    expect(() => registry.require('79x')).toThrow(expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }));
    expect(() => registry.children('18031', { on: '2026-01-01' })).toThrow(/Unknown area code "18031" in the register of 2025-07-01/);
  });
});

describe('area registry: search by name', () => {
  it('ignores diacritics and case: "my loc" finds Mỹ Lộc, "dinh van" finds Đinh Văn', () => {
    expect(registry.search('my loc', { on: registry.latestRegister }).map((unit) => unit.code)).toContain('28177');
    expect(registry.search('MỸ LỘC', { level: 'commune', provinceCode: '80' }).map((unit) => unit.code)).toEqual(['28177']);
    expect(registry.search('dinh van').map((unit) => unit.fullName)).toContain('Xã Đinh Văn Lâm Hà');
    expect(registry.search('dinh van', { on: '2025-03-01' }).map((unit) => unit.fullName)).toContain('Thị trấn Đinh Văn');
    expect(normaliseName('  Đinh   Văn ')).toBe('dinh van');
  });

  it('ranks exact names first, finds by code prefix, and honours the limit', () => {
    expect(registry.search('tay ninh')[0]?.code).toBe('80');
    expect(registry.search('2817', { on: '2025-03-01' }).map((unit) => unit.code)).toContain('28177');
    expect(registry.search('an', { limit: 5 })).toHaveLength(5);
    expect(registry.search('   ')).toEqual([]);
    expect(registry.search('zzzz qqq')).toEqual([]);
  });

  it('answers a search within a province as the country-wide search kept to that province', () => {
    const codesOf = (units: readonly { code: string; name: string }[]) => units.map((unit) => `${unit.code} ${unit.name}`);
    for (const provinceCode of ['80', '82', '91', '01', '79']) {
      for (const [query, options] of [
        ['2', { level: 'commune' as const, limit: 50 }],
        ['an', { limit: 30 }],
        ['phuong', { on: '2025-03-01', limit: 40 }],
        ['tan', { allVersions: true, limit: 60 }],
        ['lagi', { allVersions: true }],
      ] as const) {
        const withinProvince = registry.search(query, { ...options, provinceCode });
        const countryWide = registry
          .search(query, { ...options, limit: 100_000 })
          .filter((unit) => unit.provinceCode === provinceCode)
          .slice(0, options.limit ?? 20);
        expect(codesOf(withinProvince)).toEqual(codesOf(countryWide));
      }
    }
    expect(registry.search('2', { provinceCode: '80', level: 'commune', limit: 50 })).toHaveLength(50);
    expect(registry.search('an', { provinceCode: '999' })).toEqual([]);
  });
});

describe('area registry: lineage through the 2025 reform', () => {
  it.each([
    ['28177', 'Xã Mỹ Lộc', '28177', 'Xã Mỹ Lộc', '80', '1682/NQ-UBTVQH15'],
    ['28168', 'Xã Long Hậu', '28159', 'Xã Cần Giuộc', '80', '1682/NQ-UBTVQH15'],
    ['23235', 'Phường Tân An', '23235', 'Phường La Gi', '68', '1671/NQ-UBTVQH15'],
    ['24871', 'Thị trấn Đinh Văn', '24871', 'Xã Đinh Văn Lâm Hà', '68', '1671/NQ-UBTVQH15'],
  ])('the seed place %s (%s) is now %s (%s, province %s)', (oldCode, oldName, newCode, newName, province, resolution) => {
    const on = '2025-03-01';
    expect(registry.get(oldCode, { on })?.fullName).toBe(oldName);
    const [now, ...more] = registry.currentOf(oldCode, { on });
    expect(more).toEqual([]);
    expect(now).toMatchObject({ code: newCode, relation: 'full', effectiveOn: '2025-07-01', resolutions: [resolution] });
    expect(registry.get(newCode)).toMatchObject({ fullName: newName, provinceCode: province });
    expect(registry.constituentsOf(newCode).map((unit) => unit.code)).toContain(oldCode);
  });

  it('follows Hưng Tân (18031) through the 2025-01-01 merger into Thông Tân (18028) and on into Hưng Nguyên Nam (18028)', () => {
    const [now] = registry.currentOf('18031');
    expect(now?.code).toBe('18028');
    expect(now?.chain.map((link) => `${link.from}@${link.fromRegister}→${link.to}@${link.toRegister}`)).toEqual([
      '18031@2024-11-01→18028@2025-03-01',
      '18028@2025-03-01→18028@2025-07-01',
    ]);
    expect(registry.get('18028', { on: '2025-03-01' })?.fullName).toBe('Xã Thông Tân');
    expect(registry.get('18028')?.fullName).toBe('Xã Hưng Nguyên Nam');
    expect(resolveAreaForward(registry, '18031', '2024-11-01')).toMatchObject({ units: ['18028'], relation: 'full', unchanged: false });
  });

  it('lists which old units make up a new one, and never marks a reused code as unchanged across the reform', () => {
    const parts = registry.constituentsOf('28159').filter((unit) => unit.register === '2025-03-01');
    expect(parts.map((unit) => unit.code)).toEqual(['28159', '28168', '28180']);
    expect(registry.predecessors('28159').every((link) => link.unchanged !== true)).toBe(true);
    expect(registry.successors('80', { on: '2025-03-01' })).toEqual([expect.objectContaining({ to: '80', relation: 'full', resolution: '202/2025/QH15' })]);
    expect(registry.successors('80', { on: '2025-03-01' })[0]?.unchanged).toBeUndefined();
  });

  it('reports partial links as partial, splitting one old commune over several new ones', () => {
    const candidate = allCodes('2025-03-01').find((code) => registry.successorLinks(code, '2025-03-01').length > 1)!;
    const links = registry.successorLinks(candidate, '2025-03-01');
    expect(links.every((link) => link.relation === 'partial')).toBe(true);
    expect(registry.currentOf(candidate, { on: '2025-03-01' }).every((unit) => unit.relation === 'partial')).toBe(true);
  });

  it('takes a district, whose tier ended on 2025-07-01, to the current units its communes went into', () => {
    expect(registry.successors('807', { on: '2025-03-01' })).toEqual([]);
    for (const district of ['807', '676']) {
      const communes = registry.children(district);
      expect(communes.length).toBeGreaterThan(0);
      const expected = new Set(communes.flatMap((commune) => registry.currentOf(commune.code, { on: commune.validFrom }).map((unit) => unit.code)));
      const reached = registry.currentOf(district);
      expect(new Set(reached.map((unit) => unit.code))).toEqual(expected);
      expect(reached.every((unit) => registry.get(unit.code)!.validTo === undefined)).toBe(true);
    }
    // Lâm Hà's communes went into several new communes, each taking part of the district.
    expect(registry.currentOf('676').length).toBeGreaterThan(1);
    expect(registry.currentOf('676').every((unit) => unit.relation === 'partial')).toBe(true);
  });

  it('lists every version of a reused code and finds the old one by name', () => {
    const versions = registry.versions('23235');
    expect(versions.length).toBeGreaterThan(1);
    expect(versions.map((unit) => unit.name)).toContain('Tân An');
    expect(versions.at(-1)!.validTo).toBeUndefined();
    expect(registry.search('tan an', { allVersions: true, limit: 500 }).some((unit) => unit.code === '23235' && unit.name === 'Tân An')).toBe(true);
    expect(registry.search('tan an', { limit: 500 }).some((unit) => unit.code === '23235' && unit.name === 'Tân An')).toBe(false);
    expect(registry.search('long an', { allVersions: true }).some((unit) => unit.code === '80' && unit.name === 'Long An')).toBe(true);
    for (const query of ['lagi', 'la gi']) expect(registry.search(query, { allVersions: true }).some((unit) => unit.code === '23235' && unit.name === 'La Gi')).toBe(true);
  });
});

describe('area registry: data format', () => {
  it('builds a registry from hand-written data the same way', () => {
    const small = createAreaRegistry(
      parseRegistryData(
        [
          'R|2024-11-01,2025-03-01,2025-07-01,2026-04-30',
          'T|Tỉnh,Xã',
          'S|X/NQ',
          'U|01|Alpha|0|p||01|0|',
          'U|00001|Một|1|c|01|01|0|2',
          'U|00001|Một Mới|1|c|01|01|2|',
          'L|00001|1|00001|2|f|2025-07-01|0',
        ].join('\n'),
      ),
    );
    expect(small.get('00001', { on: '2025-03-01' })?.fullName).toBe('Xã Một');
    expect(small.currentOf('00001', { on: '2024-11-01' })).toEqual([expect.objectContaining({ code: '00001', relation: 'full', resolutions: ['X/NQ'] })]);
  });
});
