import type { Agency } from '@antq/sdk';
import { postSignedSystemRequest } from '../identity/system-request.js';

/** A grant in force: who granted, and for which area (none: the whole country). */
export interface GrantInForce {
  readonly owner: Agency;
  readonly areaCode: string | null;
}

/**
 * Which grants are in force for an agency, asked of the owners' subgraphs (their
 * `_<owner>ActiveGrants` field, hidden from clients) and kept for a short time. Used where a
 * decision is made outside the owner's subgraph — the gateway's query planning and the change
 * stream; the owners check every grant again for the records they serve.
 */
export interface GrantDirectory {
  grantsFor(grantee: Agency): Promise<readonly GrantInForce[]>;
  invalidate(): void;
}

export function createGrantDirectory(options: {
  /** Subgraph URL of each owning agency. */
  readonly owners: Partial<Record<Agency, string>>;
  readonly signingKey: string;
  /** Default 2 s. */
  readonly ttlMs?: number;
  readonly timeoutMs?: number;
}): GrantDirectory {
  const ttl = options.ttlMs ?? 2_000;
  const cache = new Map<Agency, { at: number; grants: Promise<readonly GrantInForce[]> }>();

  async function grantedBy(owner: Agency, url: string, grantee: Agency): Promise<GrantInForce[]> {
    const field = `_${owner}ActiveGrants`;
    try {
      const body = await postSignedSystemRequest<Record<string, { area: { code: string } | null }[]>>(
        url,
        { query: `query ($grantee: Agency!) { ${field}(grantee: $grantee) { area { code } } }`, variables: { grantee: grantee.toUpperCase() } },
        { signingKey: options.signingKey, audience: owner, timeoutMs: options.timeoutMs ?? 2_000 },
      );
      return (body.data?.[field] ?? []).map((grant) => ({ owner, areaCode: grant.area?.code ?? null }));
    } catch {
      // An owner that does not answer grants nothing: restricted data stays closed.
      return [];
    }
  }

  async function load(grantee: Agency): Promise<readonly GrantInForce[]> {
    const owners = (Object.entries(options.owners) as [Agency, string][]).filter(([owner]) => owner !== grantee);
    return (await Promise.all(owners.map(([owner, url]) => grantedBy(owner, url, grantee)))).flat();
  }

  return {
    grantsFor(grantee) {
      const cached = cache.get(grantee);
      if (cached && Date.now() - cached.at < ttl) return cached.grants;
      const grants = load(grantee);
      cache.set(grantee, { at: Date.now(), grants });
      return grants;
    },
    invalidate: () => cache.clear(),
  };
}
