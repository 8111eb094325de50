import { isAgencyCode, type Agency } from '@antq/sdk';
import { computeSignature, serializeSignedParams } from '@antq/subgraph-kit';
import { parse, valueFromASTUntyped, type EnumTypeDefinitionNode } from 'graphql';

/**
 * Which owning agencies have granted an agency read access to their restricted data now.
 * Asked of the owners' subgraphs (their `_<agency>ActiveGrants` field, which the supergraph
 * hides from clients) and kept for a short time; grants made or revoked through this gateway
 * clear it at once. The subgraphs check every grant again against the record's own area.
 */
export interface GrantDirectory {
  grantorsOf(grantee: Agency): Promise<ReadonlySet<Agency>>;
  invalidate(): void;
}

/** The subgraph URLs the supergraph's `join__Graph` enum names. */
export function subgraphUrls(supergraphSdl: string): Partial<Record<Agency, string>> {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphs = document.definitions.find(
    (definition): definition is EnumTypeDefinitionNode => definition.kind === 'EnumTypeDefinition' && definition.name.value === 'join__Graph',
  );
  const urls: Partial<Record<Agency, string>> = {};
  for (const value of graphs?.values ?? []) {
    const directive = value.directives?.find((candidate) => candidate.name.value === 'join__graph');
    const argument = (name: string) => directive?.arguments?.find((candidate) => candidate.name.value === name);
    const name = String(valueFromASTUntyped(argument('name')!.value));
    const url = argument('url') && String(valueFromASTUntyped(argument('url')!.value));
    if (isAgencyCode(name) && url) urls[name] = url;
  }
  return urls;
}

export function createGrantDirectory(options: { supergraphSdl: string; signingKey: string; ttlMs?: number; timeoutMs?: number }): GrantDirectory {
  const urls = subgraphUrls(options.supergraphSdl);
  const ttl = options.ttlMs ?? 2_000;
  const cache = new Map<Agency, { at: number; owners: Promise<ReadonlySet<Agency>> }>();

  async function grantedBy(owner: Agency, grantee: Agency): Promise<boolean> {
    const query = `query ($grantee: Agency!) { _${owner}ActiveGrants(grantee: $grantee) { id } }`;
    const variables = { grantee: grantee.toUpperCase() };
    const signature = computeSignature(serializeSignedParams({ query, variables }), options.signingKey);
    try {
      const response = await fetch(urls[owner]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables, extensions: { 'hmac-signature': signature } }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
      });
      const body = (await response.json()) as { data?: Record<string, unknown[]> };
      return (body.data?.[`_${owner}ActiveGrants`]?.length ?? 0) > 0;
    } catch {
      // An owner that does not answer grants nothing: restricted data stays closed.
      return false;
    }
  }

  async function load(grantee: Agency): Promise<ReadonlySet<Agency>> {
    const owners = (Object.keys(urls) as Agency[]).filter((owner) => owner !== grantee);
    const granted = await Promise.all(owners.map(async (owner) => ((await grantedBy(owner, grantee)) ? owner : undefined)));
    return new Set(granted.filter((owner): owner is Agency => owner !== undefined));
  }

  return {
    grantorsOf(grantee) {
      const cached = cache.get(grantee);
      if (cached && Date.now() - cached.at < ttl) return cached.owners;
      const owners = load(grantee);
      cache.set(grantee, { at: Date.now(), owners });
      return owners;
    },
    invalidate: () => cache.clear(),
  };
}
