import type { LineageLink, LineageRelation } from '../domain/area-graph.js';
import type { ConstituentUnit, CurrentUnit, OnDate } from './area-registry-types.js';
import type { RegisterIndex } from './register-index.js';
import type { RegistryData } from './registry-data-format.js';

const key = (register: number, code: string) => `${register}|${code}`;

/** The lineage links between consecutive registers: the data's own, and the continuations derived from unchanged codes. */
export function createLineageLinks(data: RegistryData, unitIndex: RegisterIndex) {
  const { registers, last, byRegister } = unitIndex;
  // Explicit links by (register, from), and every link (explicit and derived) by (register, to).
  const explicit = new Map<string, LineageLink[]>();
  for (const row of data.links) {
    const link: LineageLink = {
      from: row.from,
      fromRegister: registers[row.fromRegister]!,
      to: row.to,
      toRegister: registers[row.toRegister]!,
      relation: row.relation,
      effectiveOn: row.effectiveOn,
      ...(row.resolution !== undefined ? { resolution: row.resolution } : {}),
      ...(row.confirmed === false ? { confirmed: false } : {}),
    };
    const list = explicit.get(key(row.fromRegister, row.from)) ?? [];
    list.push(link);
    explicit.set(key(row.fromRegister, row.from), list);
  }
  const linkCache = new Map<string, readonly LineageLink[]>();

  function successorLinksAt(code: string, index: number): readonly LineageLink[] {
    if (index >= last || !byRegister[index]!.has(code)) return [];
    const cacheKey = key(index, code);
    let links = linkCache.get(cacheKey) ?? explicit.get(cacheKey);
    if (links === undefined) {
      const here = byRegister[index]!.get(code)!;
      const there = byRegister[index + 1]!.get(code);
      // A code continues only within one version; across the 2025 reform the data states every link.
      links =
        there === undefined || explicitRegister(index)
          ? []
          : [
              {
                from: code,
                fromRegister: registers[index]!,
                to: code,
                toRegister: registers[index + 1]!,
                relation: 'full',
                effectiveOn: registers[index + 1]!,
                ...(there === here ? { unchanged: true } : {}),
              },
            ];
    }
    linkCache.set(cacheKey, links);
    return links;
  }

  // Registers whose successors the data lists in full (the reform): nothing is derived there.
  const listedFrom = new Set(data.links.filter((row) => row.relation === 'partial').map((row) => row.fromRegister));
  function explicitRegister(index: number): boolean {
    return listedFrom.has(index);
  }

  let incoming: Map<string, LineageLink[]> | undefined;
  function predecessorLinksAt(code: string, index: number): readonly LineageLink[] {
    if (!incoming) {
      incoming = new Map();
      for (let at = 0; at < last; at++) {
        for (const from of byRegister[at]!.keys()) {
          for (const link of successorLinksAt(from, at)) {
            const toKey = key(at + 1, link.to);
            const list = incoming.get(toKey) ?? [];
            list.push(link);
            incoming.set(toKey, list);
          }
        }
      }
    }
    return incoming.get(key(index, code)) ?? [];
  }

  return { successorLinksAt, predecessorLinksAt };
}

export type LineageLinks = ReturnType<typeof createLineageLinks>;

/** "What is this unit now": follows the successor links to the newest register. */
export function createCurrentOf(unitIndex: RegisterIndex, links: LineageLinks) {
  const { registers, last, childrenByRegister, located, registerIndexOf } = unitIndex;
  const { successorLinksAt } = links;

  function successorsFrom(code: string, index: number): readonly LineageLink[] {
    return successorLinksAt(code, index);
  }

  function currentOf(code: string, options?: OnDate): readonly CurrentUnit[] {
    const { row } = located(code, options);
    const start = registerIndexOf(row, options);
    const reached = new Map<string, CurrentUnit>();
    const walk = (at: string, index: number, chain: LineageLink[], relation: LineageRelation) => {
      if (index === last) {
        const previous = reached.get(at);
        // Two paths to one unit: a full one wins.
        if (!previous || (previous.relation === 'partial' && relation === 'full')) {
          const changes = chain.filter((link) => !link.unchanged);
          const effectiveOn = changes.at(-1)?.effectiveOn;
          reached.set(at, {
            code: at,
            relation,
            ...(effectiveOn !== undefined ? { effectiveOn } : {}),
            resolutions: [...new Set(changes.flatMap((link) => (link.resolution ? [link.resolution] : [])))],
            chain: changes,
          });
        }
        return;
      }
      for (const link of successorsFrom(at, index)) {
        walk(link.to, index + 1, [...chain, link], link.relation === 'partial' ? 'partial' : relation);
      }
    };
    walk(code, start, [], 'full');
    if (reached.size === 0 && start < last && row.level === 'district') return districtCurrentOf(code, start);
    return [...reached.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  /**
   * A district of a register before the 2025 reform, which abolished the tier: the data links its
   * communes, not the district. It went into the current units its communes went into — wholly
   * into one only if all of them went wholly into that one, else in part into each.
   */
  function districtCurrentOf(code: string, index: number): readonly CurrentUnit[] {
    const communes = childrenByRegister[index]!.get(code) ?? [];
    const reached = new Map<string, CurrentUnit>();
    for (const commune of communes) {
      for (const unit of currentOf(commune.code, { on: registers[index]! })) {
        const previous = reached.get(unit.code);
        const chain = [...(previous?.chain ?? []), ...unit.chain];
        const effectiveOn = [previous?.effectiveOn, unit.effectiveOn]
          .filter((date): date is string => date !== undefined)
          .sort()
          .at(-1);
        reached.set(unit.code, {
          code: unit.code,
          relation: 'partial',
          ...(effectiveOn !== undefined ? { effectiveOn } : {}),
          resolutions: [...new Set([...(previous?.resolutions ?? []), ...unit.resolutions])],
          chain,
        });
      }
    }
    const units = [...reached.values()].sort((a, b) => a.code.localeCompare(b.code));
    const whole = units.length === 1 && communes.every((commune) => currentOf(commune.code, { on: registers[index]! }).every((unit) => unit.relation === 'full'));
    return whole ? [{ ...units[0]!, relation: 'full' }] : units;
  }

  return currentOf;
}

/** "Which older units make up this one": follows the predecessor links back to the oldest register. */
export function constituentsOf(unitIndex: RegisterIndex, links: LineageLinks, code: string, options?: OnDate): readonly ConstituentUnit[] {
  const { registers, located, registerIndexOf } = unitIndex;
  const { predecessorLinksAt } = links;
  const { row } = located(code, options);
  const found = new Map<string, ConstituentUnit>();
  const walk = (at: string, index: number, relation: LineageRelation, resolutions: string[], effectiveOn: string | undefined) => {
    for (const link of predecessorLinksAt(at, index)) {
      const fromIndex = index - 1;
      const nextRelation = link.relation === 'partial' ? 'partial' : relation;
      const nextResolutions = link.resolution ? [link.resolution, ...resolutions] : resolutions;
      const nextEffective = link.unchanged ? effectiveOn : (effectiveOn ?? link.effectiveOn);
      if (!link.unchanged) {
        const entryKey = key(fromIndex, link.from);
        const previous = found.get(entryKey);
        if (!previous || (previous.relation === 'partial' && nextRelation === 'full')) {
          found.set(entryKey, {
            code: link.from,
            register: registers[fromIndex]!,
            relation: nextRelation,
            effectiveOn: link.effectiveOn,
            resolutions: [...new Set(nextResolutions)],
          });
        }
      }
      walk(link.from, fromIndex, nextRelation, nextResolutions, nextEffective);
    }
  };
  walk(code, registerIndexOf(row, options), 'full', [], undefined);
  return [...found.values()].sort((a, b) => b.register.localeCompare(a.register) || a.code.localeCompare(b.code));
}
