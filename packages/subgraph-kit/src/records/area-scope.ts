import type { AreaRegistry, RegisterDate } from '@antq/sdk/areas';

/**
 * Phạm vi địa bàn — which area codes' records belong under an area: the area itself, its
 * subtree, and every older unit that went into it (wholly or in part) through the reforms,
 * with their subtrees. Records keep the code they were reported under; this is how the
 * data of Xã Long Hậu (28168, 2023) shows up under Xã Cần Giuộc (28159, 2025).
 */
export interface AreaScopes {
  /** Codes whose records belong under `code` (the newest register that has the code). */
  scopeOf(code: string): readonly string[];
  /**
   * Codes whose figures a roll-up for an older version of a unit reads (the version standing in
   * `register`, e.g. Tỉnh Long An 80 in 2024-11-01): its scope as it stood, and every later unit
   * that took in part of its territory — what was reported after it ended.
   */
  versionScopeOf(code: string, register: RegisterDate): readonly string[];
  /**
   * What a list of records under `code` reads: with `on` naming an ended version of the unit
   * (Phường Tân An, 23235, on 2025-01-01), its scope as it stood and the day it ended — records
   * under a reused code dated from then on are its successor's (Phường La Gi); else `scopeOf`.
   */
  listScopeOf(code: string, on?: string): ListScope;
  /** Whether a record at `inner` falls under `outer` — a jurisdiction check. */
  covers(outer: string, inner: string): boolean;
}

/** The area codes a list reads, and for an ended version of a unit the day it ended. */
export interface ListScope {
  readonly codes: readonly string[];
  readonly until?: string;
}

export function createAreaScopes(registry: AreaRegistry): AreaScopes {
  const scopeCache = new Map<string, readonly string[]>();
  const setCache = new Map<string, ReadonlySet<string>>();

  function collect(code: string, register: (typeof registry.registers)[number], into: Set<string>, seen: Set<string>): void {
    const visitKey = `${register}|${code}`;
    if (seen.has(visitKey)) return;
    seen.add(visitKey);
    into.add(code);
    for (const child of registry.children(code, { on: register })) collect(child.code, register, into, seen);
    for (const link of registry.predecessors(code, { on: register })) collect(link.from, link.fromRegister, into, seen);
  }

  function scopeOf(code: string): readonly string[] {
    let scope = scopeCache.get(code);
    if (!scope) {
      const unit = registry.require(code);
      const codes = new Set<string>();
      collect(unit.code, registerOf(unit), codes, new Set());
      scope = [...codes];
      scopeCache.set(code, scope);
    }
    return scope;
  }

  function registerOf(unit: { validFrom: string; validTo?: string }) {
    // The newest register in which this version of the unit stands.
    const inForce = registry.registers.filter((date) => date >= unit.validFrom && (unit.validTo === undefined || date < unit.validTo));
    return inForce.at(-1) ?? registry.latestRegister;
  }

  const versionScopes = new Map<string, readonly string[]>();
  function versionScopeOf(code: string, register: RegisterDate): readonly string[] {
    const unit = registry.require(code, { on: register });
    const last = registerOf(unit);
    const cacheKey = `${last}|${code}`;
    let scope = versionScopes.get(cacheKey);
    if (!scope) {
      const codes = new Set<string>();
      collect(code, last, codes, new Set());
      // Later units that took in part of it: its units of its last register, followed forward.
      const frontier: { code: string; on: RegisterDate }[] = [{ code, on: last }];
      const followed = new Set<string>();
      for (let index = 0; index < frontier.length; index++) {
        const at = frontier[index]!;
        if (at.on === last) for (const child of registry.children(at.code, { on: last })) frontier.push({ code: child.code, on: last });
        for (const link of registry.successors(at.code, { on: at.on })) {
          const reached = `${link.toRegister}|${link.to}`;
          if (followed.has(reached)) continue;
          followed.add(reached);
          codes.add(link.to);
          frontier.push({ code: link.to, on: link.toRegister });
        }
      }
      scope = [...codes];
      versionScopes.set(cacheKey, scope);
    }
    return scope;
  }

  const stoodScopes = new Map<string, readonly string[]>();
  function listScopeOf(code: string, on?: string): ListScope {
    const unit = registry.require(code, on === undefined ? undefined : { on });
    if (unit.validTo === undefined) return { codes: scopeOf(code) };
    const last = registerOf(unit);
    const cacheKey = `${last}|${code}`;
    let codes = stoodScopes.get(cacheKey);
    if (!codes) {
      const collected = new Set<string>();
      collect(unit.code, last, collected, new Set());
      codes = [...collected];
      stoodScopes.set(cacheKey, codes);
    }
    return { codes, until: unit.validTo };
  }

  return {
    scopeOf,
    versionScopeOf,
    listScopeOf,
    covers(outer, inner) {
      let set = setCache.get(outer);
      if (!set) {
        // A jurisdiction naming no unit (a token's claim, say) covers nothing; it is not the request's unknown area.
        if (!registry.has(outer)) return false;
        set = new Set(scopeOf(outer));
        setCache.set(outer, set);
      }
      return set.has(inner);
    },
  };
}
