import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/index.js';

/** Areas addressed as they were: the 2025 reform ended units and gave some of their codes to others. */
describe('areas through time', () => {
  const signingKey = randomBytes(32).toString('base64');
  let subgraph: AgencySubgraph;
  let registry: AreaRegistry;

  beforeAll(async () => {
    registry = await loadAreaRegistry();
    subgraph = await createAgencySubgraph({ agency: 'front' }, { signingKey, registry, logLevel: 'silent' });
  });
  afterAll(async () => subgraph?.close());

  const ask = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const response = await postSignedGraphQL<T>(subgraph.url, { query, ...(variables ? { variables } : {}), signingKey, audience: 'front' });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  };
  const AREA = 'code name fullName level validFrom validTo current province { code name } parent { code name }';

  it('names the unit a reused code named on a date, and the newest without a date', async () => {
    const then = await ask<{ area: Record<string, any> }>(`{ area(code: "23235", on: "2025-01-01") { ${AREA} } }`);
    expect(then.area).toMatchObject({ code: '23235', name: 'Tân An', current: false, province: { code: '60', name: 'Bình Thuận' } });
    expect(then.area.validTo).toBe('2025-07-01');
    const now = await ask<{ area: Record<string, any> }>(`{ area(code: "23235") { ${AREA} } }`);
    expect(now.area).toMatchObject({ code: '23235', name: 'La Gi', current: true, validTo: null, province: { code: '68' } });
  });

  it('lists every version of a code with its dates', async () => {
    const data = await ask<{ area: { versions: { name: string; validFrom: string; validTo: string | null; province: { code: string } }[] } }>(
      '{ area(code: "23235") { versions { name validFrom validTo province { code } } } }',
    );
    const expected = registry.versions('23235');
    expect(data.area.versions.map((version) => [version.name, version.validFrom, version.validTo])).toEqual(
      expected.map((unit) => [unit.name, unit.validFrom, unit.validTo ?? null]),
    );
    expect(data.area.versions.at(-1)!.province.code).toBe('68');
    expect(data.area.versions[0]!.province.code).toBe('60');
  });

  it('speaks of lineage in versions: Long An 80 went into Tây Ninh 80; Tân An 60 into La Gi 68', async () => {
    const tayNinh = await ask<{ area: { predecessors: { area: { code: string; name: string; current: boolean } }[] } }>(
      '{ area(code: "80") { predecessors { area { code name current } } } }',
    );
    expect(tayNinh.area.predecessors.map((link) => link.area)).toContainEqual({ code: '80', name: 'Long An', current: false });
    expect(tayNinh.area.predecessors.map((link) => link.area)).not.toContainEqual(expect.objectContaining({ code: '80', name: 'Tây Ninh', current: true }));
    const tanAn = await ask<{ area: { successors: { area: { code: string; name: string; province: { code: string } } }[] } }>(
      '{ area(code: "23235", on: "2025-01-01") { successors { area { code name province { code } } } } }',
    );
    expect(tanAn.area.successors.map((link) => link.area)).toContainEqual({ code: '23235', name: 'La Gi', province: { code: '68' } });
  });

  it('gives an ended commune the ancestors it had: Long Hậu under Cần Giuộc district, Long An', async () => {
    const data = await ask<{ area: { ancestors: { code: string; name: string; level: string }[] } }>('{ area(code: "28168") { ancestors { code name level } } }');
    expect(data.area.ancestors.map((unit) => unit.level)).toEqual(['DISTRICT', 'PROVINCE']);
    expect(data.area.ancestors.at(-1)).toEqual({ code: '80', name: 'Long An', level: 'PROVINCE' });
    expect(data.area.ancestors[0]!.name).toBe(registry.parent('28168')!.name);
  });

  it('finds old names, also where the code was reused, only when asked for ended units', async () => {
    for (const [search, code, name] of [
      ['tan an', '23235', 'Tân An'],
      ['long an', '80', 'Long An'],
      ['dinh van', '24871', 'Đinh Văn'],
      ['lagi', '23235', 'La Gi'],
      ['la gi', '23235', 'La Gi'],
    ] as const) {
      const all = await ask<{ areas: { code: string; name: string }[] }>('query ($s: String!) { areas(search: $s, currentOnly: false, first: 100) { code name } }', { s: search });
      expect(all.areas, search).toContainEqual({ code, name });
    }
    const current = await ask<{ areas: { code: string; name: string }[] }>('{ areas(search: "tan an", first: 100) { code name } }');
    expect(current.areas).not.toContainEqual({ code: '23235', name: 'Tân An' });
    const then = await ask<{ areas: { code: string; name: string }[] }>('{ areas(search: "tan an", on: "2025-01-01", first: 100) { code name } }');
    expect(then.areas).toContainEqual({ code: '23235', name: 'Tân An' });
  });

  itFollowsEndedUnitsToTheirSuccessors({ ask, registry: () => registry, url: () => subgraph.url, signingKey });
});

// Ended units and their successors; the subgraph and registry are read through ctx, as beforeAll sets them.
function itFollowsEndedUnitsToTheirSuccessors(ctx: AreasContext): void {
  it('takes an abolished district to the current units its communes went into', async () => {
    const data = await ctx.ask<{ area: { current: boolean; currentUnits: { area: { code: string; current: boolean }; relation: string }[] } }>(
      '{ area(code: "676") { current currentUnits { area { code current } relation } } }',
    );
    expect(data.area.current).toBe(false);
    expect(data.area.currentUnits.map((unit) => unit.area.code).sort()).toEqual(
      ctx
        .registry()
        .currentOf('676')
        .map((unit) => unit.code)
        .sort(),
    );
    expect(data.area.currentUnits.length).toBeGreaterThan(1);
    expect(data.area.currentUnits.every((unit) => unit.area.current && unit.relation === 'PARTIAL')).toBe(true);
  });

  it('gives an abolished district successors: the units its communes went into on 2025-07-01, each partly', async () => {
    const data = await ctx.ask<{ area: { successors: { area: { code: string; fullName: string; validFrom: string }; relation: string; effectiveOn: string }[] } }>(
      '{ area(code: "676", on: "2017-01-01") { successors { area { code fullName validFrom } relation effectiveOn } } }',
    );
    // Worked out from the register: every commune of Lâm Hà as the district last stood, one step forward.
    const last = ctx.registry().registers[ctx.registry().registers.indexOf(ctx.registry().get('676')!.validTo!) - 1]!;
    const expected = new Set(
      ctx
        .registry()
        .children('676', { on: last })
        .flatMap((commune) =>
          ctx
            .registry()
            .successors(commune.code, { on: last })
            .map((link) => link.to),
        ),
    );
    expect(data.area.successors.map((link) => link.area.code).sort()).toEqual([...expected].sort());
    expect(data.area.successors.length).toBeGreaterThan(1);
    expect(data.area.successors.every((link) => link.relation === 'PARTIAL' && link.effectiveOn === '2025-07-01' && link.area.validFrom === '2025-07-01')).toBe(true);
    expect(data.area.successors.map((link) => link.area.fullName)).toContain('Xã Đinh Văn Lâm Hà');
  });

  it('an ended commune keeps its own links: Long Hậu went into Cần Giuộc', async () => {
    const data = await ctx.ask<{ area: { successors: { area: { code: string }; relation: string }[] } }>('{ area(code: "28168") { successors { area { code } relation } } }');
    const last = ctx.registry().registers[ctx.registry().registers.indexOf(ctx.registry().get('28168')!.validTo!) - 1]!;
    const links = ctx
      .registry()
      .successors('28168', { on: last })
      .filter((link) => !link.unchanged);
    expect(links.map((link) => link.to)).toContain('28159');
    expect(data.area.successors).toEqual(links.map((link) => ({ area: { code: link.to }, relation: link.relation.toUpperCase() })));
  });

  it('refuses a code the register of that date does not have', async () => {
    // Long Hậu ended on 2025-07-01: the register of August 2025 has no 28168.
    const response = await postSignedGraphQL(ctx.url(), { query: '{ area(code: "28168", on: "2025-08-01") { name } }', signingKey: ctx.signingKey, audience: 'front' });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNKNOWN_AREA');
  });
}

interface AreasContext {
  ask: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  registry: () => AreaRegistry;
  url: () => string;
  signingKey: string;
}
